import type { IncomingHttpHeaders } from 'node:http';

/** The API key of a request: `Authorization: Bearer <key>`, or `x-api-key` (Anthropic clients). */
export function apiKeyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (match) return match[1]!.trim();
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey.trim();
  const googleKey = headers['x-goog-api-key'];
  if (typeof googleKey === 'string' && googleKey.length > 0) return googleKey.trim();
  return undefined;
}

import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^Bearer\s+(.+)$/i;
const PREFIX = 'Bearer ';
const FIRST_VISIBLE = 0x21;
const LAST_VISIBLE = 0x7e;

/** The API key of a request: `Authorization: Bearer <key>`, or `x-api-key` (Anthropic clients). */
export function apiKeyFromHeaders(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization) {
    const plain = plainBearerToken(authorization);
    if (plain !== undefined) return plain;
    const match = BEARER.exec(authorization.trim());
    if (match) return match[1]!.trim();
  }
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey.trim();
  const googleKey = headers['x-goog-api-key'];
  if (typeof googleKey === 'string' && googleKey.length > 0) return googleKey.trim();
  return undefined;
}

/**
 * The token of `Bearer <token>` as nearly every client sends it: one space, and a token of
 * visible ASCII. The regular expression would give the same token; a request spares running it
 * and the two trims. Anything else (other spacing, other case) is left to the expression.
 */
function plainBearerToken(value: string): string | undefined {
  if (value.length <= PREFIX.length || !value.startsWith(PREFIX)) return undefined;
  for (let index = PREFIX.length; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < FIRST_VISIBLE || code > LAST_VISIBLE) return undefined;
  }
  return value.slice(PREFIX.length);
}

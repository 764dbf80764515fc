import type { GatewayError } from '../../core/index.js';

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"}}`. */
export function encodeAnthropicError(error: GatewayError): { status: number; headers: Record<string, string>; body: object } {
  const headers: Record<string, string> = {};
  if (error.details.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.details.retryAfterSeconds);
  return {
    status: error.status,
    headers,
    body: { type: 'error', error: { type: error.anthropicType, message: error.message } },
  };
}

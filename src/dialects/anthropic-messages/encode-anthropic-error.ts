import type { GatewayError } from '../../core/index.js';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic's error envelope: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorBody(error: GatewayError): AnthropicErrorBody {
  return { type: 'error', error: { type: error.anthropicType, message: error.message } };
}

/** Status, headers and body of an error answer on an Anthropic-dialect route. */
export function encodeAnthropicError(error: GatewayError): { status: number; headers: Record<string, string>; body: AnthropicErrorBody } {
  const headers: Record<string, string> = {};
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
  // The contract promises retry-after on every rate-limit answer, even when no wait was computed.
  else if (error.code === 'rate_limit_exceeded') headers['retry-after'] = '1';
  return { status: error.status, headers, body: anthropicErrorBody(error) };
}

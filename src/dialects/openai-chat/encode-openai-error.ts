import type { GatewayError } from '../../core/gateway-error.js';

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    /** For `model_retired`: the id of the model that replaces it. */
    replacement?: string | null;
  };
}

/** The contract's OpenAI error envelope; `code` is the gateway's catalogue code. */
export function openaiErrorBody(error: GatewayError): OpenAIErrorBody {
  const body: OpenAIErrorBody = {
    error: { message: error.message, type: error.openaiType, param: error.details.param ?? null, code: error.code },
  };
  if (error.code === 'model_retired') body.error.replacement = error.details.replacement ?? null;
  return body;
}

/** Status, headers and body of an error answer on a `/v1/*` OpenAI-style route. */
export function encodeOpenAIError(error: GatewayError): { status: number; headers: Record<string, string>; body: OpenAIErrorBody } {
  const headers: Record<string, string> = {};
  const retryAfter = error.details.retryAfterSeconds;
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
  // The contract promises retry-after on every rate-limit answer, even when no wait was computed.
  else if (error.code === 'rate_limit_exceeded') headers['retry-after'] = '1';
  return { status: error.status, headers, body: openaiErrorBody(error) };
}

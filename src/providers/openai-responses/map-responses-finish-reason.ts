import type { FinishReason } from '../../core/index.js';
import type { ResponsesResponseWire } from './openai-responses-wire-types.js';

/**
 * Responses has no finish reason: it has a status, the reason an answer is incomplete, and the
 * output items. A completed answer that asks for function calls ends for tool calls.
 */
export function mapResponsesFinishReason(response: ResponsesResponseWire, hasFunctionCall: boolean): FinishReason {
  const status = typeof response.status === 'string' ? response.status : 'completed';
  if (status === 'incomplete') {
    const reason = response.incomplete_details?.reason ?? null;
    if (reason === 'content_filter') return { unified: 'content_filter', raw: reason };
    // `max_output_tokens` is the only other documented reason; an unknown one is still a cut answer.
    return { unified: 'length', raw: reason ?? status };
  }
  if (status === 'failed' || status === 'cancelled') return { unified: 'error', raw: status };
  if (hasFunctionCall) return { unified: 'tool_calls', raw: 'function_call' };
  return { unified: 'stop', raw: status };
}

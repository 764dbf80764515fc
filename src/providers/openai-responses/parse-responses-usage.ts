import type { Usage } from '../../core/index.js';
import type { ResponsesUsageWire } from './openai-responses-wire-types.js';

/**
 * Responses usage in the canonical convention. `input_tokens` already includes the cached ones and
 * `output_tokens` already includes reasoning, as the canonical counts do, so totals pass unchanged.
 */
export function parseResponsesUsage(wire: ResponsesUsageWire | null | undefined): Usage | undefined {
  if (wire === null || wire === undefined || typeof wire !== 'object') return undefined;
  return {
    inputTokens: count(wire.input_tokens),
    cachedInputTokens: count(wire.input_tokens_details?.cached_tokens),
    cacheWriteTokens: count(wire.input_tokens_details?.cache_write_tokens),
    outputTokens: count(wire.output_tokens),
    reasoningTokens: count(wire.output_tokens_details?.reasoning_tokens),
    source: 'upstream',
  };
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

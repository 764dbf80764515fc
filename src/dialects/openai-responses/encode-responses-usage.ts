import type { Usage } from '../../core/usage.js';

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  cost?: number;
}

/**
 * The Responses `usage` object, with the gateway's `cost` (USD) when known. Canonical input
 * already includes cached and cache-write tokens, as Responses' `input_tokens` does.
 */
export function encodeResponsesUsage(usage: Usage | undefined, costUsd: number | null): ResponsesUsage {
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  const inputDetails: ResponsesUsage['input_tokens_details'] = { cached_tokens: usage?.cachedInputTokens ?? 0 };
  if (usage !== undefined && usage.cacheWriteTokens > 0) inputDetails.cache_write_tokens = usage.cacheWriteTokens;
  const encoded: ResponsesUsage = {
    input_tokens: inputTokens,
    input_tokens_details: inputDetails,
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: inputTokens + outputTokens,
  };
  if (costUsd !== null) encoded.cost = costUsd;
  return encoded;
}

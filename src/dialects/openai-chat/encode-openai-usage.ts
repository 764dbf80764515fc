import type { Usage } from '../../core/usage.js';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
  cost?: number;
}

/**
 * OpenAI's `usage` object, with the gateway's `cost` (USD) when known. Cache writes have no
 * OpenAI field; they appear as `prompt_tokens_details.cache_write_tokens` (the name other
 * aggregators use) only when there were some.
 */
export function encodeOpenAIUsage(usage: Usage | undefined, costUsd: number | null): OpenAIUsage {
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  const promptDetails: OpenAIUsage['prompt_tokens_details'] = { cached_tokens: usage?.cachedInputTokens ?? 0 };
  if (usage !== undefined && usage.cacheWriteTokens > 0) promptDetails.cache_write_tokens = usage.cacheWriteTokens;
  const encoded: OpenAIUsage = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
  };
  if (costUsd !== null) encoded.cost = costUsd;
  return encoded;
}

import type { Usage } from '../../core/usage.js';

export interface AnthropicUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  /** The gateway's extension: the cost of the request in USD, when known. */
  cost?: number;
}

/**
 * Anthropic's `usage`. Its `input_tokens` counts only tokens neither read from nor written to the
 * cache, whereas the canonical `inputTokens` includes both, so they are taken out again here.
 */
export function encodeAnthropicUsage(usage: Usage | undefined, costUsd: number | null): AnthropicUsage {
  const cacheRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteTokens ?? 0;
  const encoded: AnthropicUsage = {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: usage?.outputTokens ?? 0,
  };
  if (costUsd !== null) encoded.cost = costUsd;
  return encoded;
}

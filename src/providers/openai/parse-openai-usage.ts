import type { Usage } from '../../core/index.js';
import type { OpenAIUsageWire } from './openai-wire-types.js';

/**
 * Converts OpenAI usage to the canonical one. OpenAI's `prompt_tokens` already includes cached
 * tokens and `completion_tokens` already includes reasoning tokens, which is the canonical
 * convention, so the totals pass unchanged. DeepSeek's `prompt_cache_hit_tokens` is read when the
 * OpenAI detail is absent.
 */
export function parseOpenAIUsage(wire: OpenAIUsageWire | null | undefined): Usage | undefined {
  if (wire === null || wire === undefined || typeof wire !== 'object') return undefined;
  const cachedDetail = count(wire.prompt_tokens_details?.cached_tokens);
  const cacheHits = count(wire.prompt_cache_hit_tokens);
  const cacheMisses = count(wire.prompt_cache_miss_tokens);
  let inputTokens = count(wire.prompt_tokens);
  if (wire.prompt_tokens === undefined || wire.prompt_tokens === null) inputTokens = cacheHits + cacheMisses;
  return {
    inputTokens,
    cachedInputTokens: cachedDetail > 0 ? cachedDetail : cacheHits,
    cacheWriteTokens: count(wire.prompt_tokens_details?.cache_write_tokens),
    outputTokens: count(wire.completion_tokens),
    reasoningTokens: count(wire.completion_tokens_details?.reasoning_tokens),
    source: 'upstream',
  };
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

import type { Usage } from '../../core/index.js';
import type { AnthropicUsageWire } from './anthropic-wire-types.js';

/**
 * Anthropic's usage in the canonical convention. Anthropic's `input_tokens` counts only the
 * tokens after the last cache breakpoint, so cache reads and writes are added back in. Thinking
 * tokens are already inside `output_tokens` and are not reported apart, so `reasoningTokens` is 0.
 */
export function parseAnthropicUsage(usage: AnthropicUsageWire | undefined | null): Usage | undefined {
  if (usage === undefined || usage === null || typeof usage !== 'object') return undefined;
  const uncachedInput = count(usage.input_tokens);
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  return {
    inputTokens: uncachedInput + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    outputTokens: count(usage.output_tokens),
    reasoningTokens: 0,
    source: 'upstream',
  };
}

/**
 * Merges a stream's `message_delta` usage into the one from `message_start`. The delta's counts
 * are cumulative; a field it leaves out keeps the earlier value.
 */
export function mergeAnthropicUsage(earlier: AnthropicUsageWire, later: AnthropicUsageWire): AnthropicUsageWire {
  const merged: AnthropicUsageWire = { ...earlier };
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const value = later[key];
    if (typeof value === 'number') merged[key] = value;
  }
  return merged;
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Usage truth with worked numbers: each provider's usage is normalised to one convention (input
 * includes cache reads and writes, output includes reasoning), so that cached and reasoning
 * tokens are billed once, at their own price, and never twice or below zero.
 */
import { describe, expect, it } from 'vitest';
import { parseOpenAIUsage } from '../../src/providers/openai/parse-openai-usage.js';
import { computeCost } from '../../src/metering/compute-cost.js';
import { unitsToUsdString } from '../../src/metering/money.js';
import { PriceBook, type ModelPrice } from '../../src/metering/price-book.js';

const book = new PriceBook([
  { modelId: 'openai-reasoner', pricing: { input: 1.25, cachedInput: 0.125, output: 10 } },
  { modelId: 'deepseek-chat', pricing: { input: 0.27, cachedInput: 0.07, output: 1.1 } },
  { modelId: 'priced-reasoning', pricing: { input: 1, cachedInput: 0.5, output: 4, reasoning: 8 } },
]);

function price(model: string): ModelPrice {
  return book.priceFor(model)!;
}

describe('usage normalised per provider, billed with worked numbers', () => {
  it('OpenAI: prompt_tokens includes cached_tokens and completion_tokens includes reasoning_tokens', () => {
    const usage = parseOpenAIUsage({
      prompt_tokens: 2000,
      completion_tokens: 800,
      prompt_tokens_details: { cached_tokens: 1500 },
      completion_tokens_details: { reasoning_tokens: 500 },
    })!;
    expect(usage).toMatchObject({ inputTokens: 2000, cachedInputTokens: 1500, outputTokens: 800, reasoningTokens: 500 });
    // 500 uncached × 1.25 + 1500 cached × 0.125 + 800 output (reasoning included) × 10, per 1M tokens.
    expect(unitsToUsdString(computeCost(usage, price('openai-reasoner')))).toBe('0.0088125');
  });

  it('DeepSeek: cache hits and misses make up the prompt; hits are billed at the cache price once', () => {
    const usage = parseOpenAIUsage({ prompt_tokens: 1000, completion_tokens: 200, prompt_cache_hit_tokens: 600, prompt_cache_miss_tokens: 400 })!;
    expect(usage).toMatchObject({ inputTokens: 1000, cachedInputTokens: 600 });
    // 400 × 0.27 + 600 × 0.07 + 200 × 1.10 = 370 per 1M tokens.
    expect(unitsToUsdString(computeCost(usage, price('deepseek-chat')))).toBe('0.00037');
    // Without prompt_tokens the total is rebuilt from hits and misses, not from hits twice.
    const rebuilt = parseOpenAIUsage({ completion_tokens: 200, prompt_cache_hit_tokens: 600, prompt_cache_miss_tokens: 400 })!;
    expect(computeCost(rebuilt, price('deepseek-chat'))).toBe(computeCost(usage, price('deepseek-chat')));
  });

  it('an upstream that reports the cache twice (OpenAI detail and DeepSeek field) is billed for it once', () => {
    const usage = parseOpenAIUsage({ prompt_tokens: 1000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 600 }, prompt_cache_hit_tokens: 600 })!;
    expect(usage.cachedInputTokens).toBe(600);
    expect(unitsToUsdString(computeCost(usage, price('deepseek-chat')))).toBe('0.00015');
  });

  it('reasoning priced apart: 300 visible × 4 + 700 reasoning × 8, never both on one token', () => {
    const usage = parseOpenAIUsage({ prompt_tokens: 0, completion_tokens: 1000, completion_tokens_details: { reasoning_tokens: 700 } })!;
    expect(unitsToUsdString(computeCost(usage, price('priced-reasoning')))).toBe('0.0068');
  });

  it('parts larger than their total never turn negative: the total is raised to the parts', () => {
    const usage = parseOpenAIUsage({ prompt_tokens: 100, completion_tokens: 10, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 50 } })!;
    // 400 cached × 0.5 + 50 reasoning × 8 = 600 per 1M; nothing uncached, nothing visible.
    expect(unitsToUsdString(computeCost(usage, price('priced-reasoning')))).toBe('0.0006');
  });
});

import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/usage.js';
import { computeCost, worstCaseCostOf } from '../../src/metering/compute-cost.js';
import { usdToUnits } from '../../src/metering/money.js';
import { PriceBook, type ModelPrice } from '../../src/metering/price-book.js';
import {
  DEFAULT_OUTPUT_TOKENS_WHEN_UNKNOWN,
  isPricedPlan,
  outputTokensToHold,
  worstCaseCost,
} from '../../src/credit/worst-case-cost.js';

const book = new PriceBook([
  { modelId: 'plain', pricing: { input: 1, output: 4 } },
  { modelId: 'dear', pricing: { input: 2, output: 8 } },
  { modelId: 'thinker', pricing: { input: 1, output: 4, reasoning: 10 } },
  { modelId: 'cacher', pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
  { modelId: 'long', pricing: { input: 1, output: 2, tiers: [{ aboveInputTokens: 1000, input: 2, output: 4 }] } },
  { modelId: 'free', pricing: { input: 0, output: 0 } },
  { modelId: 'per-call', pricing: { request: 0.01 } },
]);

function price(model: string): ModelPrice {
  return book.priceFor(model)!;
}

describe('worstCaseCost', () => {
  it('holds the prompt plus the requested output limit: 1000 × 1 + 500 × 4 per 1M = 0.003 USD', () => {
    expect(worstCaseCost([{ price: price('plain'), maxOutputTokens: 16_384 }], 1000, 500)).toBe(usdToUnits('0.003'));
  });

  it("caps the requested limit by the model's and uses the model's when the request sets none", () => {
    expect(outputTokensToHold(100_000, 8192)).toBe(8192);
    expect(outputTokensToHold(undefined, 8192)).toBe(8192);
    expect(outputTokensToHold(300, null)).toBe(300);
    expect(outputTokensToHold(undefined, null)).toBe(DEFAULT_OUTPUT_TOKENS_WHEN_UNKNOWN);
    // 100 × 1 + 4096 × 4 per 1M = 0.016484 USD.
    expect(worstCaseCost([{ price: price('plain'), maxOutputTokens: null }], 100, undefined)).toBe(usdToUnits('0.016484'));
  });

  it('holds output at the reasoning price when reasoning is dearer: 0 + 1000 × 10 per 1M = 0.01 USD', () => {
    expect(worstCaseCost([{ price: price('thinker'), maxOutputTokens: null }], 0, 1000)).toBe(usdToUnits('0.01'));
  });

  it('holds the prompt at the cache-write price when that is dearer than input: 1000 × 3.75 per 1M', () => {
    expect(worstCaseCost([{ price: price('cacher'), maxOutputTokens: null }], 1000, 1)).toBe(usdToUnits('0.00375') + usdToUnits('0.000015'));
  });

  it('applies the long-context tier the prompt reaches: 2000 × 2 + 100 × 4 per 1M = 0.0044 USD', () => {
    expect(worstCaseCost([{ price: price('long'), maxOutputTokens: null }], 2000, 100)).toBe(usdToUnits('0.0044'));
  });

  it('covers the whole plan: the dearest route decides, including per-request prices', () => {
    const routes = [
      { price: price('plain'), maxOutputTokens: 1000 },
      { price: price('dear'), maxOutputTokens: 200 },
      { price: null, maxOutputTokens: null },
    ];
    // plain: 1000 × 1 + 1000 × 4 = 5000; dear: 1000 × 2 + 200 × 8 = 3600 (per 1M) → plain wins.
    expect(worstCaseCost(routes, 1000, undefined)).toBe(usdToUnits('0.005'));
    expect(worstCaseCost([{ price: price('per-call'), maxOutputTokens: null }], 10, 10)).toBe(usdToUnits('0.01'));
  });

  it('knows a plan of free or unpriced routes needs no hold', () => {
    expect(isPricedPlan([{ price: price('free'), maxOutputTokens: null }, { price: null, maxOutputTokens: null }])).toBe(false);
    expect(isPricedPlan([{ price: price('free'), maxOutputTokens: null }, { price: price('per-call'), maxOutputTokens: null }])).toBe(true);
  });
});

describe('worstCaseCostOf', () => {
  // The definition it computes directly: the largest computeCost over where the prompt may land.
  function byDefinition(modelPrice: ModelPrice, promptTokens: number, outputTokens: number): bigint {
    const reasoningIsDearer = modelPrice.reasoning !== null && modelPrice.reasoning > modelPrice.output;
    const output = { outputTokens, reasoningTokens: reasoningIsDearer ? outputTokens : 0 };
    const usages: Usage[] = [
      { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: 0, ...output, source: 'estimated' },
      { inputTokens: promptTokens, cachedInputTokens: 0, cacheWriteTokens: promptTokens, ...output, source: 'estimated' },
      { inputTokens: promptTokens, cachedInputTokens: promptTokens, cacheWriteTokens: 0, ...output, source: 'estimated' },
    ];
    return usages.map((usage) => computeCost(usage, modelPrice)).reduce((worst, cost) => (cost > worst ? cost : worst), 0n);
  }

  it('equals the largest cost of the prompt uncached, written to the cache or read from it', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const amount = (): number | undefined => (random() < 0.2 ? undefined : Math.round(random() * 3000) / 100);
    let compared = 0;
    for (let index = 0; index < 2_000; index += 1) {
      const tiers = random() < 0.4
        ? [{ aboveInputTokens: 500, input: amount(), output: amount(), cachedInput: amount(), cacheWrite: amount() }, { aboveInputTokens: 5000, input: amount(), output: amount() }]
        : undefined;
      const pricing = { input: amount(), output: amount(), cachedInput: amount(), cacheWrite: amount(), reasoning: amount(), request: random() < 0.3 ? 0.01 : undefined, tiers };
      const modelPrice = new PriceBook([{ modelId: 'm', pricing }], random() < 0.5 ? 1 : '1.25').priceFor('m')!;
      for (const promptTokens of [0, 1, 499, 500, 501, 4_999, 5_001, 120_000, Math.floor(random() * 10_000)]) {
        const outputTokens = random() < 0.1 ? 0 : Math.floor(random() * 20_000);
        expect(worstCaseCostOf(modelPrice, promptTokens, outputTokens), JSON.stringify({ pricing, promptTokens, outputTokens })).toBe(
          byDefinition(modelPrice, promptTokens, outputTokens),
        );
        compared += 1;
      }
    }
    expect(compared).toBe(18_000);
  });
});

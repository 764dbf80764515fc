import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/usage.js';
import { computeCost } from '../../src/metering/compute-cost.js';
import { usdToUnits, unitsToUsdString } from '../../src/metering/money.js';
import { PriceBook, type ModelPrice } from '../../src/metering/price-book.js';

function usage(overrides: Partial<Usage>): Usage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    source: 'upstream',
    ...overrides,
  };
}

const book = new PriceBook([
  { modelId: 'gpt-4o', pricing: { input: 2.5, output: 10, cachedInput: 1.25 } },
  { modelId: 'claude', pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 } },
  { modelId: 'thinker', pricing: { input: 1, output: 4, reasoning: 8 } },
  { modelId: 'plain', pricing: { input: 1, output: 4 } },
  { modelId: 'search', pricing: { input: 1, output: 4, request: 0.01, image: 0.04 } },
]);

function price(model: string): ModelPrice {
  const found = book.priceFor(model);
  if (!found) throw new Error(`no price for ${model}`);
  return found;
}

describe('computeCost', () => {
  it('charges cached input at the cached price: 800 × 2.5 + 200 × 1.25 + 500 × 10 per 1M = 0.00725 USD', () => {
    const cost = computeCost(usage({ inputTokens: 1000, cachedInputTokens: 200, outputTokens: 500 }), price('gpt-4o'));
    expect(cost).toBe(usdToUnits('0.00725'));
    expect(unitsToUsdString(cost)).toBe('0.00725');
  });

  it('charges cache reads and cache writes apart: 0.03375 USD', () => {
    // 2000 uncached × 3 + 5000 read × 0.3 + 3000 written × 3.75 + 1000 output × 15, per 1M tokens.
    const cost = computeCost(
      usage({ inputTokens: 10_000, cachedInputTokens: 5000, cacheWriteTokens: 3000, outputTokens: 1000 }),
      price('claude'),
    );
    expect(cost).toBe(usdToUnits('0.03375'));
  });

  it('charges reasoning tokens at their own price when priced apart', () => {
    // 400 visible × 4 + 600 reasoning × 8 = 6400 per 1M = 0.0064 USD.
    const cost = computeCost(usage({ outputTokens: 1000, reasoningTokens: 600 }), price('thinker'));
    expect(cost).toBe(usdToUnits('0.0064'));
  });

  it('charges reasoning as output when it has no price of its own', () => {
    const cost = computeCost(usage({ outputTokens: 1000, reasoningTokens: 600 }), price('plain'));
    expect(cost).toBe(usdToUnits('0.004'));
  });

  it('adds the per-request and per-image prices', () => {
    const cost = computeCost(usage({ inputTokens: 100, outputTokens: 10 }), price('search'), { images: 2 });
    // 100 × 1 + 10 × 4 per 1M = 0.00014; + 0.01 request + 2 × 0.04 images.
    expect(unitsToUsdString(cost)).toBe('0.09014');
  });

  it('charges a single token exactly, with no rounding', () => {
    expect(computeCost(usage({ inputTokens: 1 }), price('gpt-4o'))).toBe(2_500_000n);
  });

  it('never counts negative uncached input when cached parts exceed the total', () => {
    // Inconsistent upstream numbers: 1200 cached of "1000" input. The 1200 cached are charged,
    // nothing is charged at the full input price, and the cost is not reduced below that.
    const cost = computeCost(usage({ inputTokens: 1000, cachedInputTokens: 1200 }), price('gpt-4o'));
    expect(cost).toBe(1200n * 1_250_000n);
  });

  it('never counts negative visible output when reasoning exceeds the output total', () => {
    const cost = computeCost(usage({ outputTokens: 100, reasoningTokens: 300 }), price('thinker'));
    expect(cost).toBe(300n * 8_000_000n);
  });

  it('treats negative, fractional and non-finite counts sanely', () => {
    const cost = computeCost(
      usage({ inputTokens: -50, outputTokens: 10.7, cachedInputTokens: Number.NaN, reasoningTokens: Infinity }),
      price('plain'),
    );
    expect(cost).toBe(10n * 4_000_000n);
  });
});

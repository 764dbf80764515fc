import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/metering/price-book.js';
import { computeCost } from '../../src/metering/compute-cost.js';
import { usdToUnits } from '../../src/metering/money.js';
import type { Usage } from '../../src/core/index.js';

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0): Usage => ({
  inputTokens,
  cachedInputTokens,
  cacheWriteTokens: 0,
  outputTokens,
  reasoningTokens: 0,
  source: 'upstream',
});

describe('long-context price tiers', () => {
  const book = new PriceBook(
    [
      {
        modelId: 'long-model',
        official: { input: 5, output: 25, cachedInput: 0.5, tiers: [{ aboveInputTokens: 200_000, input: 10, output: 37.5, cachedInput: 1 }] },
      },
    ],
    '0.8',
  );
  const price = book.priceFor('long-model')!;

  it('charges base prices up to the threshold, tier prices above it, with the markup exact', () => {
    // 200,000 input × $5/M × 0.8 + 1,000 output × $25/M × 0.8 = 0.8 + 0.02
    expect(computeCost(usage(200_000, 1_000), price)).toBe(usdToUnits('0.82'));
    // 200,001 input × $10/M × 0.8 + 1,000 output × $37.5/M × 0.8 = 1.600008 + 0.03
    expect(computeCost(usage(200_001, 1_000), price)).toBe(usdToUnits('1.630008'));
  });

  it('prices cached tokens at the tier cached price above the threshold', () => {
    // 100,001 uncached × $10/M × 0.8 + 150,000 cached × $1/M × 0.8 = 0.800008 + 0.12
    expect(computeCost(usage(250_001, 0, 150_000), price)).toBe(usdToUnits('0.920008'));
  });

  it('lets our own tiers replace the list tiers, and keeps base prices a tier does not quote', () => {
    const own = new PriceBook([
      { modelId: 'm', pricing: { input: 1, output: 2, tiers: [{ aboveInputTokens: 10, input: 3 }] }, official: { input: 9, output: 9, tiers: [{ aboveInputTokens: 5, input: 99 }] } },
    ]).priceFor('m')!;
    expect(own.tiers).toHaveLength(1);
    // 11 input × $3/M + 1 output at the base $2/M
    expect(computeCost(usage(11, 1), own)).toBe(usdToUnits('0.000035'));
  });
});

import { describe, expect, it } from 'vitest';
import { markupToRatio, PriceBook } from '../../src/metering/price-book.js';

describe('PriceBook', () => {
  it('turns USD per 1M tokens into exact units per token', () => {
    const book = new PriceBook([
      { modelId: 'gpt-4o', pricing: { input: 2.5, output: 10, cachedInput: 1.25 } },
      { modelId: 'tiny', pricing: { input: '0.000001', output: '0.0375' } },
    ]);
    expect(book.priceFor('gpt-4o')).toEqual({
      input: 2_500_000n,
      output: 10_000_000n,
      cachedInput: 1_250_000n,
      cacheWrite: 2_500_000n,
      reasoning: null,
      perRequest: 0n,
      perImage: 0n,
      tiers: [],
    });
    const tiny = book.priceFor('tiny');
    expect(tiny?.input).toBe(1n);
    expect(tiny?.output).toBe(37_500n);
  });

  it('defaults cached input and cache writes to the input price', () => {
    const price = new PriceBook([{ modelId: 'm', pricing: { input: 3, output: 15, cacheWrite: 3.75 } }]).priceFor('m');
    expect(price?.cachedInput).toBe(3_000_000n);
    expect(price?.cacheWrite).toBe(3_750_000n);
  });

  it('prices requests and images per unit, not per million', () => {
    const price = new PriceBook([{ modelId: 'search', pricing: { input: 1, output: 1, request: 0.01, image: '0.04' } }]).priceFor(
      'search',
    );
    expect(price?.perRequest).toBe(10_000_000_000n);
    expect(price?.perImage).toBe(40_000_000_000n);
  });

  it('applies markup 0.8 to official prices exactly', () => {
    const book = new PriceBook(
      [{ modelId: 'gpt-4o', official: { input: 2.5, output: 10, cachedInput: 1.25, request: 0.01 } }],
      0.8,
    );
    expect(book.priceFor('gpt-4o')).toMatchObject({
      input: 2_000_000n,
      output: 8_000_000n,
      cachedInput: 1_000_000n,
      cacheWrite: 2_000_000n,
      perRequest: 8_000_000_000n,
    });
  });

  it('avoids float error: 3 USD × markup 0.7 is exactly 2.1 USD per 1M tokens', () => {
    expect(3 * 0.7).not.toBe(2.1);
    expect(new PriceBook([{ modelId: 'm', official: { input: 3 } }], 0.7).priceFor('m')?.input).toBe(2_100_000n);
  });

  it('rounds a fractional marked-up unit half up', () => {
    const book = new PriceBook(
      [
        { modelId: 'half', official: { input: '0.000001', output: '0.000003' } },
        { modelId: 'below-half', official: { input: '0.000001' } },
      ],
      '0.5',
    );
    expect(book.priceFor('half')?.input).toBe(1n); // 0.5 unit -> 1
    expect(book.priceFor('half')?.output).toBe(2n); // 1.5 units -> 2
    expect(new PriceBook([{ modelId: 'x', official: { input: '0.000001' } }], 0.4).priceFor('x')?.input).toBe(0n);
  });

  it('lets our explicit price win over the marked-up official one, kind by kind', () => {
    const price = new PriceBook(
      [{ modelId: 'm', pricing: { input: 1 }, official: { input: 5, output: 20 } }],
      0.8,
    ).priceFor('m');
    expect(price?.input).toBe(1_000_000n);
    expect(price?.output).toBe(16_000_000n);
  });

  it('prices reasoning apart only when given', () => {
    const book = new PriceBook([
      { modelId: 'thinker', pricing: { input: 1, output: 4, reasoning: 8 } },
      { modelId: 'plain', pricing: { input: 1, output: 4 } },
    ]);
    expect(book.priceFor('thinker')?.reasoning).toBe(8_000_000n);
    expect(book.priceFor('plain')?.reasoning).toBeNull();
  });

  it('prefers the provider-specific entry, then the model entry', () => {
    const book = new PriceBook([
      { modelId: 'llama', pricing: { input: 1, output: 1 } },
      { modelId: 'llama', provider: 'fast-host', pricing: { input: 2, output: 2 } },
    ]);
    expect(book.priceFor('llama', 'fast-host')?.input).toBe(2_000_000n);
    expect(book.priceFor('llama', 'other-host')?.input).toBe(1_000_000n);
    expect(book.priceFor('llama')?.input).toBe(1_000_000n);
    expect(book.priceFor('unknown')).toBeNull();
  });

  it('uses the first provider entry as the general price when the model has no general entry', () => {
    const book = new PriceBook([
      { modelId: 'm', provider: 'a', pricing: { input: 1 } },
      { modelId: 'm', provider: 'b', pricing: { input: 2 } },
    ]);
    expect(book.priceFor('m')?.input).toBe(1_000_000n);
    expect(book.priceFor('m', 'b')?.input).toBe(2_000_000n);
  });

  it('lets later entries override earlier ones', () => {
    const book = new PriceBook([
      { modelId: 'm', pricing: { input: 1 } },
      { modelId: 'm', pricing: { input: 3 } },
      { modelId: 'm', provider: 'a', pricing: { input: 1 } },
      { modelId: 'm', provider: 'a', pricing: { input: 4 } },
    ]);
    expect(book.priceFor('m')?.input).toBe(3_000_000n);
    expect(book.priceFor('m', 'a')?.input).toBe(4_000_000n);
  });

  it('refuses negative prices and bad markups', () => {
    expect(() => new PriceBook([{ modelId: 'm', pricing: { input: -1 } }])).toThrow(RangeError);
    expect(() => new PriceBook([], -0.5)).toThrow(RangeError);
    expect(() => new PriceBook([], Number.NaN)).toThrow(RangeError);
  });
});

describe('markupToRatio', () => {
  it('reads the decimal the operator wrote', () => {
    expect(markupToRatio(0.8)).toEqual({ numerator: 8n, denominator: 10n });
    expect(markupToRatio('1.25')).toEqual({ numerator: 125n, denominator: 100n });
    expect(markupToRatio(1e-7)).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(markupToRatio(2)).toEqual({ numerator: 2n, denominator: 1n });
  });
});

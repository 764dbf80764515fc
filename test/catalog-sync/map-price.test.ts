import { describe, expect, it } from 'vitest';
import { perMillion, priceFromLitellm, priceFromModelsDev } from '../../src/catalog/sync/map-price.js';
import { modelsDevCostSchema, litellmEntrySchema } from '../../src/catalog/sync/source-schemas.js';

const cost = (value: unknown) => modelsDevCostSchema.parse(value);
const litellm = (value: unknown) => litellmEntrySchema.parse(value);

describe('priceFromModelsDev', () => {
  it('maps the usual fields', () => {
    expect(priceFromModelsDev(cost({ input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, reasoning: 15, input_audio: 10, output_audio: 20 }))).toEqual({
      input: 3,
      output: 15,
      cachedInput: 0.3,
      cacheWrite: 3.75,
      reasoning: 15,
      inputAudio: 10,
      outputAudio: 20,
    });
  });

  it('accepts the odd spellings of cache prices', () => {
    expect(priceFromModelsDev(cost({ input: 0.3, output: 1.2, cached_input: 0.03, cached_write: 0.375 }))).toEqual({ input: 0.3, output: 1.2, cachedInput: 0.03, cacheWrite: 0.375 });
    expect(priceFromModelsDev(cost({ input: 0.3, output: 1.2, cache_input: 0.07 }))).toEqual({ input: 0.3, output: 1.2, cachedInput: 0.07 });
    expect(priceFromModelsDev(cost({ input: 1, cache_read: 0.1, cached_input: 0.5 }))?.cachedInput).toBe(0.1);
  });

  it('turns tiers into aboveInputTokens thresholds, sorted, with their own cache prices', () => {
    const price = priceFromModelsDev(
      cost({
        input: 2.5,
        output: 15,
        tiers: [
          { tier: { type: 'context', size: 512000 }, input: 10, output: 40 },
          { tier: { size: 272000 }, input: 5, output: 22.5, cached_input: 0.5, cache_write: 6 },
        ],
      }),
    );
    expect(price?.tiers).toEqual([
      { aboveInputTokens: 272000, input: 5, output: 22.5, cachedInput: 0.5, cacheWrite: 6 },
      { aboveInputTokens: 512000, input: 10, output: 40 },
    ]);
  });

  it('keeps zero prices, takes image tokens as outputImage, and skips units it cannot know', () => {
    expect(priceFromModelsDev(cost({ input: 0, output: 0 }))).toEqual({ input: 0, output: 0 });
    expect(priceFromModelsDev(cost({ input: 2, output: 12, image: 120 }))).toEqual({ input: 2, output: 12, outputImage: 120 });
    expect(priceFromModelsDev(cost({ request: 5, citation: 2 }))).toBeNull();
    expect(priceFromModelsDev(undefined)).toBeNull();
  });
});

describe('priceFromLitellm', () => {
  it('converts per-token prices to per-million without float noise', () => {
    expect(perMillion(0.0000025)).toBe(2.5);
    expect(perMillion(3e-7)).toBe(0.3);
    expect(priceFromLitellm(litellm({ litellm_provider: 'openai', input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001, cache_read_input_token_cost: 0.00000125 }))).toEqual({
      input: 2.5,
      output: 10,
      cachedInput: 1.25,
    });
  });

  it('takes per-image prices (the input price of an image-generation entry) and per-request prices', () => {
    expect(priceFromLitellm(litellm({ litellm_provider: 'openai', mode: 'image_generation', input_cost_per_image: 0.04 }))).toEqual({ image: 0.04 });
    expect(priceFromLitellm(litellm({ litellm_provider: 'gemini', mode: 'chat', input_cost_per_image: 0.001 }))).toBeNull();
    expect(priceFromLitellm(litellm({ litellm_provider: 'x', output_cost_per_image: 0.134, input_cost_per_request: 0.005 }))).toEqual({ image: 0.134, request: 0.005 });
  });
});

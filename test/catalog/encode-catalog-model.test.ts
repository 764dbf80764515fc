import { describe, expect, it } from 'vitest';
import { encodeCatalogModel } from '../../src/catalog/encode-catalog-model.js';
import { encodeCatalogProvider } from '../../src/catalog/encode-catalog-provider.js';
import { fixtureCatalog, fixtureContext } from './catalog-fixtures.js';

const NOW = new Date('2025-11-25T12:00:00Z');

describe('encodeCatalogModel', () => {
  const catalog = fixtureCatalog();
  const context = fixtureContext(catalog, { models: ['gpt-4o'], offers: ['openai:gpt-4o'] });

  it('encodes a retired model with its lifecycle and replacement', () => {
    const json = encodeCatalogModel(catalog.get('gpt-4-0314')!, context, NOW);
    expect(json).toMatchObject({
      id: 'gpt-4-0314',
      name: 'GPT-4 (0314)',
      provider: 'openai',
      status: 'retired',
      retires_at: '2024-06-13',
      replacement: 'gpt-5',
      release_date: '2023-03-14',
      available: false,
      kind: 'chat',
      family: 'gpt-4',
      context_window: 8_192,
      max_output_tokens: null,
    });
    expect(json.lifecycle).toEqual({
      announced: '2023-06-13',
      retires_at: '2024-06-13',
      retires_at_precision: 'day',
      replacement: 'gpt-5',
      replacement_note: 'Use gpt-5 or gpt-4o.',
      notes: null,
      platforms: [{ via: 'azure-ai-foundry', retires_at: '2024-10-01', source: 'https://learn.microsoft.example/retirements' }],
      source: 'https://platform.openai.example/docs/deprecations',
    });
    expect(json.pricing).toMatchObject({ input: 24, output: 48, official: { input: 30, output: 60 } });
  });

  it('encodes a model offered by several providers as one entry with each offer', () => {
    const json = encodeCatalogModel(catalog.get('gpt-4o')!, context, NOW);
    expect(json).toMatchObject({
      provider: 'openai',
      status: 'active',
      retires_at: null,
      replacement: null,
      lifecycle: null,
      available: true,
      modalities: { input: ['text', 'image'], output: ['text'] },
      capabilities: { tools: true, vision: true, json_output: true, reasoning: false, temperature: true },
      aliases: ['chatgpt-4o', 'gpt-4o-2024-11-20', 'openai/gpt-4o'],
    });
    expect(json.pricing).toEqual({
      input: 2,
      output: 8,
      cached_input: 1,
      cache_write: null,
      reasoning: null,
      image: null,
      request: null,
      official: { input: 2.5, output: 10, cached_input: 1.25, cache_write: null, reasoning: null, image: null, request: null },
    });
    expect(json.offers).toHaveLength(3);
    expect(json.offers[0]).toMatchObject({ provider: 'openai', upstream_id: 'gpt-4o', context_window: 128_000, max_output_tokens: 16_384, available: true, flag: null });
    expect(json.offers[2]).toMatchObject({
      provider: 'azure',
      upstream_id: 'gpt-4o-2024-11-20',
      max_output_tokens: 4_096,
      available: false,
      pricing: { input: 2.2, output: 8.8, official: { input: 2.75, output: 11 } },
    });
  });

  it('encodes long-context tiers, per-image prices and configured prices', () => {
    const sonnet = encodeCatalogModel(catalog.get('claude-sonnet-4-5')!, context, NOW);
    expect(sonnet.pricing.official.tiers).toEqual([{ above_input_tokens: 200_000, input: 6, output: 22.5, cached_input: null, cache_write: null }]);
    expect(sonnet.pricing.official.cache_write).toBe(3.75);
    const image = encodeCatalogModel(catalog.get('dall-e-3')!, context, NOW);
    expect(image).toMatchObject({ kind: 'image', modalities: { output: ['image'] }, pricing: { input: null, image: 0.032, official: { image: 0.04 } } });
    expect(image.pricing.official.tiers).toBeUndefined();
    expect(image.pricing).not.toHaveProperty('input_audio');
    const audio = encodeCatalogModel(catalog.get('gemini-2.5-flash')!, context, NOW);
    expect(audio.pricing.official).toMatchObject({ input: 0.3, input_audio: 1 });
    expect(audio.pricing.official).not.toHaveProperty('output_audio');

    const configured = fixtureCatalog([{ id: 'gpt-5', provider: 'openai', pricing: { input: 1, output: 9 } }]);
    const json = encodeCatalogModel(configured.get('gpt-5')!, fixtureContext(configured), NOW);
    expect(json.pricing).toMatchObject({ input: 1, output: 9, official: { input: 1.25, output: 10 } });
  });

  it('computes the status at the given clock from the same model object', () => {
    const opus = catalog.get('claude-3-opus-20240229')!;
    expect(encodeCatalogModel(opus, context, NOW).status).toBe('deprecated');
    expect(encodeCatalogModel(opus, context, new Date('2026-01-05T00:00:00Z'))).toMatchObject({ status: 'retired', replacement: 'claude-opus-4-1' });
  });

  it('produces plain JSON', () => {
    const json = encodeCatalogModel(catalog.get('claude-sonnet-4-5')!, context, NOW);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('encodeCatalogProvider', () => {
  it('counts the models a provider offers and reports its availability', () => {
    const catalog = fixtureCatalog();
    const context = fixtureContext(catalog, { providers: ['openrouter'] });
    const openrouter = encodeCatalogProvider(catalog.provider('openrouter')!, catalog, context);
    expect(openrouter).toEqual({
      id: 'openrouter',
      name: 'OpenRouter',
      models: 2,
      available: true,
      dialect: 'openai',
      api_key_env: ['OPENROUTER_API_KEY'],
      base_url: 'https://openrouter.example/v1',
      doc_url: null,
    });
    expect(encodeCatalogProvider(catalog.provider('openai')!, catalog, context)).toMatchObject({ models: 6, available: false });
  });
});

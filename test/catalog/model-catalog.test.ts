import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../src/catalog/model-catalog.js';
import { splitDatedName } from '../../src/catalog/undated-name.js';
import { fixtureCatalog, fixtureModel, fixtureOffer, fixtureSnapshot } from './catalog-fixtures.js';

describe('ModelCatalog.resolve', () => {
  const catalog = fixtureCatalog();

  it('finds an exact id first', () => {
    const resolved = catalog.resolve('gpt-4o');
    expect(resolved?.model.id).toBe('gpt-4o');
    expect(resolved?.offerProvider).toBeNull();
  });

  it('follows the snapshot aliases', () => {
    expect(catalog.resolve('gpt-4')?.model.id).toBe('gpt-4-0613');
    expect(catalog.resolve('claude-sonnet-4-5-20250929')).toEqual({ model: catalog.get('claude-sonnet-4-5'), offerProvider: null });
    expect(catalog.resolve('chatgpt-4o')?.model.id).toBe('gpt-4o');
  });

  it('derives an undated name for a dated id the snapshot gives no alias for', () => {
    expect(catalog.resolve('claude-3-opus')?.model.id).toBe('claude-3-opus-20240229');
  });

  it('the undated name points at the newest dated id and never shadows a real id', () => {
    const snapshot = fixtureSnapshot();
    snapshot.models.push(
      fixtureModel('mistral-large-2024-02-26'),
      fixtureModel('mistral-large-20241118'),
      fixtureModel('gpt-5-2025-08-07'),
    );
    const dated = new ModelCatalog(snapshot);
    expect(dated.resolve('mistral-large')?.model.id).toBe('mistral-large-20241118');
    expect(dated.resolve('gpt-5')?.model.id).toBe('gpt-5');
  });

  it("returns the offer's provider for a provider-specific upstream id", () => {
    expect(catalog.resolve('anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({ model: catalog.get('claude-sonnet-4-5'), offerProvider: 'amazon-bedrock' });
    expect(catalog.resolve('openai/gpt-4o')).toEqual({ model: catalog.get('gpt-4o'), offerProvider: 'openrouter' });
    expect(catalog.resolve('llama-3.3-70b-versatile')).toMatchObject({ model: { id: 'llama-3.3-70b' }, offerProvider: 'groq' });
  });

  it('names the provider for an upstream id the snapshot also lists as an alias, unless several providers use it', () => {
    expect(catalog.resolve('gpt-4o-2024-11-20')).toEqual({ model: catalog.get('gpt-4o'), offerProvider: 'azure' });
    expect(catalog.resolve('gpt-5-2025-08-07')).toEqual({ model: catalog.get('gpt-5'), offerProvider: null });
  });

  it('falls back to the lower-cased name', () => {
    expect(catalog.resolve('GPT-4o')?.model.id).toBe('gpt-4o');
    expect(catalog.resolve('Claude-3-Opus')?.model.id).toBe('claude-3-opus-20240229');
  });

  it('returns null for an unknown name', () => {
    expect(catalog.resolve('gpt-4-nonexistent')).toBeNull();
    expect(catalog.get('gpt-4')).toBeUndefined();
  });
});

describe('ModelCatalog listings', () => {
  const catalog = fixtureCatalog();

  it('lists every model in snapshot order, and the snapshot providers', () => {
    expect(catalog.list().map((model) => model.id).slice(0, 3)).toEqual(['gpt-4o', 'gpt-4-0613', 'gpt-4-0314']);
    expect(catalog.size).toBe(fixtureSnapshot().models.length);
    expect(catalog.providers().map((provider) => provider.id)).toContain('amazon-bedrock');
    expect(catalog.provider('anthropic')?.dialect).toBe('anthropic');
  });

  it('lists the models a provider offers, with the offer', () => {
    const openrouter = catalog.modelsOfProvider('openrouter');
    expect(openrouter.map((entry) => entry.model.id)).toEqual(['gpt-4o', 'claude-sonnet-4-5']);
    expect(openrouter[1]?.offer.upstreamId).toBe('anthropic/claude-sonnet-4.5');
    expect(catalog.modelsOfProvider('meta')).toEqual([]);
    expect(catalog.modelsOfProvider('nobody')).toEqual([]);
  });

  it('finds one offer of a model', () => {
    expect(catalog.offerOf('gpt-4o', 'azure')?.upstreamId).toBe('gpt-4o-2024-11-20');
    expect(catalog.offerOf('gpt-4o', 'groq')).toBeNull();
  });
});

describe('ModelCatalog configuration additions', () => {
  it('adds a new model offered by the configured provider', () => {
    const catalog = fixtureCatalog([{ id: 'my-finetune', provider: 'openai', name: 'My fine-tune', pricing: { input: 1, output: 2 }, contextWindow: 32_000 }]);
    const model = catalog.get('my-finetune');
    expect(model).toMatchObject({ name: 'My fine-tune', creator: 'openai', contextWindow: 32_000, officialPrice: null, lifecycle: null });
    expect(model?.offers).toEqual([fixtureOffer('openai', 'my-finetune', null, { contextWindow: 32_000 })]);
    expect(catalog.priceOverride('my-finetune', null)).toEqual({ input: 1, output: 2 });
    expect(catalog.modelsOfProvider('openai').map((entry) => entry.model.id)).toContain('my-finetune');
  });

  it("overrides a snapshot model's price per provider without touching the snapshot", () => {
    const snapshot = fixtureSnapshot();
    const catalog = new ModelCatalog(snapshot, [
      { id: 'gpt-4o', provider: 'openai', pricing: { input: 2 } },
      { id: 'gpt-4o', provider: 'azure', pricing: { input: 2.2 }, maxOutputTokens: 8_192 },
    ]);
    expect(catalog.priceOverride('gpt-4o', null)).toEqual({ input: 2 });
    expect(catalog.priceOverride('gpt-4o', 'azure')).toEqual({ input: 2.2 });
    expect(catalog.priceOverride('gpt-4o', 'openrouter')).toBeNull();
    expect(catalog.priceOverride('gpt-5', null)).toBeNull();
    expect(catalog.offerOf('gpt-4o', 'azure')?.maxOutputTokens).toBe(8_192);
    // The model-level limit belongs to the creator, not to a reseller's override.
    expect(catalog.get('gpt-4o')?.maxOutputTokens).toBe(16_384);
    expect(snapshot.models[0]?.offers[2]?.maxOutputTokens).toBe(4_096);
  });

  it('adds an offer when the configured provider does not offer the model yet', () => {
    const catalog = fixtureCatalog([{ id: 'llama-3.3-70b', provider: 'deepinfra', pricing: { input: 0.23, output: 0.4 } }]);
    const model = catalog.get('llama-3.3-70b');
    expect(model?.creator).toBe('meta');
    expect(model?.offers.map((offer) => offer.provider)).toEqual(['groq', 'together', 'deepinfra']);
    expect(catalog.priceOverride('llama-3.3-70b', null)).toEqual({ input: 0.23, output: 0.4 });
    expect(catalog.modelsOfProvider('deepinfra')).toHaveLength(1);
  });
});

describe('ModelCatalog.didYouMean', () => {
  const catalog = fixtureCatalog();

  it('suggests close spellings first', () => {
    expect(catalog.didYouMean('gpt-4-o')[0]).toBe('gpt-4o');
    expect(catalog.didYouMean('claude-sonnet-4.5')[0]).toBe('claude-sonnet-4-5');
    expect(catalog.didYouMean('gemini-2.5-flsh')[0]).toBe('gemini-2.5-flash');
    expect(catalog.didYouMean('GPT5')[0]).toBe('gpt-5');
  });

  it('matches reordered name tokens and a mistyped model behind a provider prefix', () => {
    expect(catalog.didYouMean('sonnet-4-5-claude')).toContain('claude-sonnet-4-5');
    expect(catalog.didYouMean('openai/gpt-4oo')[0]).toBe('gpt-4o');
  });

  it('returns at most max ids, each once, and nothing for unrelated names', () => {
    const suggestions = catalog.didYouMean('gpt-4', 3);
    expect(suggestions.length).toBeLessThanOrEqual(3);
    expect(new Set(suggestions).size).toBe(suggestions.length);
    expect(catalog.didYouMean('gpt', 1)).toHaveLength(1);
    expect(catalog.didYouMean('zzzzzzzz')).toEqual([]);
    expect(catalog.didYouMean('')).toEqual([]);
  });
});

describe('splitDatedName', () => {
  it('splits the unambiguous date suffixes only', () => {
    expect(splitDatedName('claude-3-opus-20240229')).toEqual({ undated: 'claude-3-opus', date: '20240229' });
    expect(splitDatedName('gpt-4o-2024-08-06')).toEqual({ undated: 'gpt-4o', date: '20240806' });
    expect(splitDatedName('gpt-4-0613')).toBeNull();
    expect(splitDatedName('model-12345678')).toBeNull();
    expect(splitDatedName('gpt-4o')).toBeNull();
  });
});

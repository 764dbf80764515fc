import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot, SnapshotModel } from '../../src/catalog/catalog-snapshot.js';
import { buildCatalogSnapshot } from '../../src/catalog/sync/build-catalog-snapshot.js';
import { parseCatalogSources } from '../../src/catalog/sync/source-schemas.js';
import { validateSnapshot } from '../../src/catalog/sync/validate-snapshot.js';
import { stringifySnapshot } from '../../src/catalog/sync/write-stable-json.js';
import { smallSources } from './sources-fixture.js';

function build() {
  return buildCatalogSnapshot(parseCatalogSources(smallSources()));
}

function model(snapshot: CatalogSnapshot, id: string): SnapshotModel {
  const found = snapshot.models.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no model ${id}; have ${snapshot.models.map((candidate) => candidate.id).join(', ')}`);
  return found;
}

describe('buildCatalogSnapshot on small sources', () => {
  it('makes one model per distinct model, with one offer per provider listing', () => {
    const { snapshot } = build();
    const gpt4o = model(snapshot, 'gpt-4o');
    expect(gpt4o.creator).toBe('openai');
    expect(gpt4o.offers.map((offer) => [offer.provider, offer.upstreamId])).toEqual([
      ['azure', 'gpt-4o'],
      ['openai', 'gpt-4o'],
      ['openrouter', 'openai/gpt-4o'],
    ]);
    expect(gpt4o.officialPrice).toEqual({ input: 2.5, output: 10, cachedInput: 1.25, request: 0.001 });
    expect(gpt4o.fieldSources).toEqual({ 'officialPrice.request': 'litellm' });
    expect(gpt4o.aliases).toContain('openai/gpt-4o');
    expect(gpt4o.offers.find((offer) => offer.provider === 'azure')?.flag).toBe('deprecated');
    expect(gpt4o.capabilities).toEqual({ tools: true, vision: true, jsonOutput: true, reasoning: false, temperature: true });
  });

  it("merges a reseller's dotted spelling into the creator's id and keeps the creator's facts", () => {
    const { snapshot } = build();
    const claude = model(snapshot, 'claude-sonnet-4-5');
    expect(claude.creator).toBe('anthropic');
    expect(claude.offers.map((offer) => offer.upstreamId)).toEqual(['claude-sonnet-4-5', 'claude-sonnet-4-5', 'anthropic/claude-sonnet-4.5']);
    expect(claude.aliases).toEqual(['anthropic/claude-sonnet-4.5']);
    expect(snapshot.models.some((candidate) => candidate.id === 'claude-sonnet-4.5')).toBe(false);
  });

  it("records a per-model provider override on that offer only", () => {
    const { snapshot } = build();
    const azureClaude = model(snapshot, 'claude-sonnet-4-5').offers.find((offer) => offer.provider === 'azure');
    expect(azureClaude).toMatchObject({ dialect: 'anthropic', baseUrl: 'https://${AZURE_RESOURCE_NAME}.services.ai.azure.com/anthropic/v1' });
    expect(model(snapshot, 'gpt-4o').offers.find((offer) => offer.provider === 'azure')?.dialect).toBeUndefined();
  });

  it('infers the creator from the vendor path when the creator does not list the model', () => {
    const { snapshot } = build();
    const llama = model(snapshot, 'llama-3.3-70b-instruct');
    expect(llama.creator).toBe('llama');
    expect(llama.offers.map((offer) => offer.provider)).toEqual(['groq', 'openrouter']);
    expect(llama.officialPrice).toBeNull();
    const router = model(snapshot, 'openrouter/auto');
    expect(router.creator).toBe('openrouter');
  });

  it('maps providers: env, base URL without a trailing slash, dialect from the SDK package', () => {
    const { snapshot } = build();
    expect(snapshot.providers.map((provider) => provider.id)).toEqual(['anthropic', 'azure', 'groq', 'openai', 'openrouter']);
    expect(snapshot.providers.find((provider) => provider.id === 'openrouter')).toEqual({
      id: 'openrouter',
      name: 'OpenRouter',
      apiKeyEnv: ['OPENROUTER_API_KEY'],
      baseUrl: 'https://openrouter.ai/api/v1',
      docUrl: null,
      dialect: 'other',
    });
    expect(snapshot.providers.find((provider) => provider.id === 'openai')?.dialect).toBe('openai');
    expect(snapshot.providers.find((provider) => provider.id === 'anthropic')?.dialect).toBe('anthropic');
  });

  it('builds retired models from lifecycle records, priced from LiteLLM', () => {
    const { snapshot, report } = build();
    const retired = model(snapshot, 'gpt-4-0314');
    expect(retired).toMatchObject({ creator: 'openai', offers: [], contextWindow: 8192, maxOutputTokens: 4096 });
    expect(retired.lifecycle).toMatchObject({ announced: '2025-09-26', retiresAt: '2026-03-26', retiresAtPrecision: 'day', replacement: 'gpt-5', replacementNote: 'gpt-4.1*' });
    expect(retired.officialPrice).toEqual({ input: 30, output: 60 });
    expect(retired.fieldSources).toMatchObject({ lifecycle: 'model-eol', officialPrice: 'litellm', contextWindow: 'litellm' });
    expect(report.lifecycle.lifecycleOnly).toEqual(expect.arrayContaining(['gpt-4-0314', 'gpt-4-0613', 'dall-e-3']));
  });

  it('gives an alias model the lifecycle of the snapshot it points to', () => {
    const { snapshot } = build();
    expect(model(snapshot, 'gpt-4').lifecycle?.retiresAt).toBe('2026-10-23');
    // `gpt-4` is a model of its own, so it is not an alias of gpt-4-0613.
    expect(model(snapshot, 'gpt-4-0613').aliases).not.toContain('gpt-4');
  });

  it('creates a replacement that only model-eol and LiteLLM know, and drops one nobody knows', () => {
    const { snapshot, report } = build();
    expect(model(snapshot, 'gpt-4-0613').lifecycle?.replacement).toBe('gpt-5.6-sol');
    expect(model(snapshot, 'gpt-5.6-sol')).toMatchObject({ offers: [], officialPrice: { input: 5, output: 30 }, lifecycle: null });
    expect(report.lifecycle.replacementStubs).toEqual(['gpt-5.6-sol']);
    const dalle = model(snapshot, 'dall-e-3');
    expect(dalle.lifecycle?.replacement).toBe('gpt-image-1');
    expect(dalle.lifecycle?.replacementNote).toBe('options: gpt-image-9, gpt-image-1');
    expect(dalle.officialPrice).toEqual({ image: 0.04 });
    const moderation = model(snapshot, 'text-moderation-007');
    expect(moderation.lifecycle?.replacement).toBeNull();
    expect(moderation.lifecycle?.replacementNote).toContain('omni-moderation');
    expect(report.lifecycle.droppedReplacements).toEqual([{ modelId: 'text-moderation-007', replacement: 'omni-moderation' }]);
  });

  it('fills a missing price from LiteLLM, never overriding models.dev, and records disagreements', () => {
    const { snapshot } = build();
    const image = model(snapshot, 'gpt-image-1');
    expect(image.kind).toBe('image');
    expect(image.officialPrice).toEqual({ input: 5, image: 0.167 });
    expect(image.fieldSources.officialPrice).toBe('litellm');
    expect(model(snapshot, 'claude-sonnet-4-5').officialPrice?.input).toBe(3);
    expect(snapshot.disagreements).toEqual(
      expect.arrayContaining([
        { modelId: 'claude-sonnet-4-5', field: 'officialPrice.input', snapshot: '3', other: '4', otherSource: 'litellm' },
        { modelId: 'gpt-4-0613', field: 'lifecycle.retiresAt', snapshot: '2026-10-23', other: '2025-06-06', otherSource: 'litellm' },
      ]),
    );
    expect(snapshot.disagreements.some((item) => item.modelId === 'gpt-4-0314')).toBe(false);
  });

  it('leaves out a model no source prices', () => {
    const { snapshot, report } = build();
    expect(snapshot.models.some((candidate) => candidate.id === 'unpriced-model')).toBe(false);
    expect(report.unpriced).toEqual(['unpriced-model']);
  });

  it('dates the snapshot from the sources, not the clock, and validates', () => {
    const { snapshot } = build();
    expect(snapshot.sourcesDate).toBe('2026-08-18');
    expect(snapshot.sources.map((source) => [source.id, source.snapshot])).toEqual([
      ['models.dev', 'commit f3fc692, 2026-07-02'],
      ['model-eol', '2026-08-18'],
      ['litellm', '2026-07-24'],
    ]);
    expect(validateSnapshot(snapshot)).toEqual([]);
  });

  it('writes the same bytes for the same sources, one model per line, ids sorted', () => {
    const first = stringifySnapshot(build().snapshot);
    const second = stringifySnapshot(build().snapshot);
    expect(second).toBe(first);
    const modelLines = first.split('\n').filter((line) => line.startsWith('    {"id":') && line.includes('"creator"'));
    const ids = modelLines.map((line) => (JSON.parse(line.replace(/,$/, '')) as { id: string }).id);
    expect(ids).toEqual([...ids].sort());
    expect(modelLines[0]).toMatch(/^ {4}\{"id":"[^"]+","name":"[^"]*","creator":/);
    expect(JSON.parse(first)).toEqual(JSON.parse(JSON.stringify(build().snapshot)));
  });
});

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot, SnapshotModel } from '../../src/catalog/catalog-snapshot.js';
import { modelHasPrice } from '../../src/catalog/sync/fill-from-litellm.js';
import { defaultSnapshotOutput, resolveSourcesLocation, syncCatalog } from '../../src/catalog/sync/sync-catalog.js';
import { snapshotAgeWarning, validateSnapshot } from '../../src/catalog/sync/validate-snapshot.js';

const committedPath = defaultSnapshotOutput();
const committedText = readFileSync(committedPath, 'utf8');
const committed = JSON.parse(committedText) as CatalogSnapshot;
const byId = new Map(committed.models.map((model) => [model.id, model]));
const get = (id: string): SnapshotModel => {
  const model = byId.get(id);
  if (!model) throw new Error(`the committed catalog has no ${id}`);
  return model;
};

function findSources(): string | null {
  try {
    const location = resolveSourcesLocation(undefined);
    return /^https:/i.test(location) || existsSync(location) ? location : null;
  } catch {
    return null;
  }
}

describe('the committed catalog snapshot', () => {
  it('validates', () => {
    expect(validateSnapshot(committed)).toEqual([]);
  });

  it('covers at least 1,000 models from at least 50 providers, every offered model priced', () => {
    expect(committed.models.length).toBeGreaterThanOrEqual(1000);
    const offering = new Set(committed.models.flatMap((model) => model.offers.map((offer) => offer.provider)));
    expect(offering.size).toBeGreaterThanOrEqual(50);
    const replacementTargets = new Set(committed.models.map((model) => model.lifecycle?.replacement).filter((id) => id));
    for (const model of committed.models) {
      if (model.offers.length > 0) expect(modelHasPrice(model), `${model.id} has offers but no price`).toBe(true);
      // Unpriced entries exist only for lifecycle records: a retired model or a named replacement.
      else if (!modelHasPrice(model)) expect(model.lifecycle !== null || replacementTargets.has(model.id), `${model.id} is unpriced`).toBe(true);
    }
  });

  it('keeps gpt-4-0314 from its lifecycle record though models.dev dropped it', () => {
    const model = get('gpt-4-0314');
    expect(model.creator).toBe('openai');
    expect(model.lifecycle).toMatchObject({ retiresAt: '2026-03-26', retiresAtPrecision: 'day', replacement: 'gpt-5', replacementNote: 'gpt-4.1*' });
    expect(model.fieldSources.lifecycle).toBe('model-eol');
    expect(byId.has('gpt-5')).toBe(true);
  });

  it('has gpt-4o once, offered by OpenAI, OpenRouter and Azure under their own ids', () => {
    const model = get('gpt-4o');
    expect(model.creator).toBe('openai');
    const offer = (provider: string) => model.offers.find((candidate) => candidate.provider === provider)?.upstreamId;
    expect(offer('openai')).toBe('gpt-4o');
    expect(offer('openrouter')).toBe('openai/gpt-4o');
    expect(offer('azure')).toBe('gpt-4o');
    expect(model.aliases).toContain('openai/gpt-4o');
    expect(committed.models.filter((candidate) => candidate.aliases.includes('openai/gpt-4o'))).toHaveLength(1);
  });

  it('records the known lifecycle disagreements with LiteLLM', () => {
    const retirement = (modelId: string) => committed.disagreements.find((item) => item.modelId === modelId && item.field === 'lifecycle.retiresAt');
    expect(retirement('claude-3-opus-20240229')).toMatchObject({ snapshot: '2026-01-05', other: '2026-05-01' });
    expect(retirement('claude-sonnet-4-20250514')).toMatchObject({ snapshot: '2026-06-15', other: '2026-05-14' });
    expect(retirement('gemini-3-pro-preview')).toMatchObject({ snapshot: '2026-03-09', other: '2026-03-26' });
  });

  it('warns when its sources are old, without failing', () => {
    const warning = snapshotAgeWarning(committed, new Date());
    if (warning !== null) console.warn(`catalog: ${warning}`);
    expect(committed.sourcesDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

const sources = findSources();
const inCi = process.env.CI === 'true';
if (sources === null && !inCi) {
  console.warn('catalog sync: the catalog sources folder is absent (../shared/catalog-sources or SWITCHYARD_CATALOG_SOURCES); skipping the rebuild check');
}

describe.skipIf(sources === null && !inCi)('catalog sync against the committed snapshot', () => {
  it('gives byte-identical output twice, equal to the committed file', async () => {
    if (sources === null) throw new Error('CI=true but the catalog sources folder is missing: it must be present in CI');
    const folder = mkdtempSync(path.join(tmpdir(), 'catalog-sync-'));
    const first = await syncCatalog({ from: sources, out: path.join(folder, 'first.json') });
    const second = await syncCatalog({ from: sources, out: path.join(folder, 'second.json') });
    const firstText = readFileSync(first.out, 'utf8');
    expect(readFileSync(second.out, 'utf8')).toBe(firstText);
    // A mismatch means the committed snapshot is stale: run `npm run catalog:sync` and commit it.
    expect(firstText === committedText, 'catalog/catalog-snapshot.json is stale: run npm run catalog:sync').toBe(true);
  });
});

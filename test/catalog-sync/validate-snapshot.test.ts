import { describe, expect, it } from 'vitest';
import type { CatalogSnapshot } from '../../src/catalog/catalog-snapshot.js';
import { buildCatalogSnapshot } from '../../src/catalog/sync/build-catalog-snapshot.js';
import { parseCatalogSources } from '../../src/catalog/sync/source-schemas.js';
import { assertValidSnapshot, snapshotAgeWarning, validateSnapshot } from '../../src/catalog/sync/validate-snapshot.js';
import { smallSources } from './sources-fixture.js';

function validSnapshot(): CatalogSnapshot {
  return buildCatalogSnapshot(parseCatalogSources(smallSources())).snapshot;
}

function withModel(id: string, change: (snapshot: CatalogSnapshot, index: number) => void): CatalogSnapshot {
  const snapshot = validSnapshot();
  const index = snapshot.models.findIndex((model) => model.id === id);
  change(snapshot, index);
  return snapshot;
}

describe('validateSnapshot', () => {
  it('accepts a built snapshot', () => {
    expect(validateSnapshot(validSnapshot())).toEqual([]);
  });

  it('rejects schema mismatches with the path', () => {
    const snapshot = withModel('gpt-4o', (value, index) => {
      (value.models[index] as unknown as { kind: string }).kind = 'robot';
    });
    expect(validateSnapshot(snapshot)[0]).toMatch(/^models\.\d+\.kind: /);
  });

  it('rejects a replacement that is not a catalog model', () => {
    const snapshot = withModel('gpt-4-0314', (value, index) => {
      value.models[index]!.lifecycle!.replacement = 'gpt-99';
    });
    expect(validateSnapshot(snapshot)).toEqual(['gpt-4-0314: replacement gpt-99 is not a catalog model']);
  });

  it('rejects a retirement before its announcement', () => {
    const snapshot = withModel('gpt-4-0314', (value, index) => {
      value.models[index]!.lifecycle!.retiresAt = '2025-01-01';
    });
    expect(validateSnapshot(snapshot)).toEqual(['gpt-4-0314: retires 2025-01-01, before its announcement 2025-09-26']);
  });

  it('rejects negative prices and offered models priced nowhere', () => {
    const negative = withModel('gpt-4o', (value, index) => {
      value.models[index]!.offers[0]!.price = { input: -1 };
    });
    expect(validateSnapshot(negative)).toEqual(['gpt-4o: negative price']);
    const unpriced = withModel('llama-3.3-70b-instruct', (value, index) => {
      for (const offer of value.models[index]!.offers) offer.price = null;
    });
    expect(validateSnapshot(unpriced)).toEqual(['llama-3.3-70b-instruct: offered but priced nowhere']);
  });

  it('rejects duplicate ids and an alias that is another model id', () => {
    const duplicate = validSnapshot();
    duplicate.models.push({ ...duplicate.models[0]!, aliases: [] });
    expect(validateSnapshot(duplicate)).toContain(`model id ${duplicate.models[0]!.id} appears twice`);
    const alias = withModel('gpt-4o', (value, index) => {
      value.models[index]!.aliases.push('gpt-5');
    });
    expect(validateSnapshot(alias)).toEqual(['gpt-4o: alias gpt-5 is another model\'s id']);
  });

  it('throws from assertValidSnapshot when invalid', () => {
    expect(() => assertValidSnapshot({ version: 2 })).toThrow(/invalid catalog snapshot/);
  });
});

describe('snapshotAgeWarning', () => {
  it('warns only when the sources are older than 90 days', () => {
    expect(snapshotAgeWarning({ sourcesDate: '2026-08-18' }, new Date('2026-11-16T00:00:00Z'))).toBeNull();
    const warning = snapshotAgeWarning({ sourcesDate: '2026-08-18' }, new Date('2026-11-17T00:00:00Z'));
    expect(warning).toMatch(/91 days old/);
  });
});

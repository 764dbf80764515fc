import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CatalogSnapshotError, defaultCatalogSnapshotPath, loadCatalogSnapshot } from '../../src/catalog/load-catalog-snapshot.js';
import { fixtureSnapshot } from './catalog-fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'switchyard-snapshot-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
}

describe('loadCatalogSnapshot', () => {
  it('defaults to catalog/catalog-snapshot.json at the repository root', () => {
    expect(defaultCatalogSnapshotPath()).toBe(resolve(import.meta.dirname, '../../catalog/catalog-snapshot.json'));
  });

  it('reads a snapshot file', () => {
    const snapshot = fixtureSnapshot();
    const loaded = loadCatalogSnapshot(write('good.json', JSON.stringify(snapshot)));
    expect(loaded).toEqual(snapshot);
  });

  it('refuses a missing file, invalid JSON and a wrong shape, naming the file', () => {
    const missing = join(directory, 'missing.json');
    expect(() => loadCatalogSnapshot(missing)).toThrow(CatalogSnapshotError);
    expect(() => loadCatalogSnapshot(missing)).toThrow(/missing\.json/);
    expect(() => loadCatalogSnapshot(write('broken.json', '{"version": 1,'))).toThrow(/not valid JSON/);
    expect(() => loadCatalogSnapshot(write('old.json', JSON.stringify({ ...fixtureSnapshot(), version: 0 })))).toThrow(/version 0/);
    expect(() => loadCatalogSnapshot(write('no-models.json', JSON.stringify({ ...fixtureSnapshot(), models: {} })))).toThrow(/"models" is not an array/);
    const noId = fixtureSnapshot();
    (noId.models[3] as { id: unknown }).id = 7;
    expect(() => loadCatalogSnapshot(write('no-id.json', JSON.stringify(noId)))).toThrow(/models\[3\] has no id/);
  });
});

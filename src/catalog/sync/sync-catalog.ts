/**
 * `catalog sync` end to end: read the sources, build, validate, write the stable JSON, summarise.
 * An invalid snapshot is never written.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CatalogSnapshot } from '../catalog-snapshot.js';
import { buildCatalogSnapshot, type SyncReport } from './build-catalog-snapshot.js';
import { readCatalogSources } from './read-catalog-sources.js';
import { parseCatalogSources } from './source-schemas.js';
import { summariseSnapshot } from './summarise-snapshot.js';
import { assertValidSnapshot } from './validate-snapshot.js';
import { stringifySnapshot, writeSnapshotFile } from './write-stable-json.js';

/** The repository root: this module runs from `src/catalog/sync/` or `dist/catalog/sync/`. */
export function repositoryRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

export function defaultSnapshotOutput(): string {
  return path.join(repositoryRoot(), 'catalog', 'catalog-snapshot.json');
}

/** `--from`, else `SWITCHYARD_CATALOG_SOURCES`, else `../shared/catalog-sources` next to the repository. */
export function resolveSourcesLocation(from: string | undefined, environment: NodeJS.ProcessEnv = process.env): string {
  const chosen = from ?? environment.SWITCHYARD_CATALOG_SOURCES;
  if (chosen !== undefined && chosen.trim() !== '') return /^https:\/\//i.test(chosen) ? chosen : path.resolve(chosen);
  const sibling = path.resolve(repositoryRoot(), '..', 'shared', 'catalog-sources');
  if (existsSync(sibling)) return sibling;
  throw new Error('no catalog sources: pass --from PATH_OR_URL, or set SWITCHYARD_CATALOG_SOURCES, or place them at ../shared/catalog-sources');
}

export interface SyncResult {
  snapshot: CatalogSnapshot;
  report: SyncReport;
  text: string;
  summary: string[];
}

/** Builds and validates the snapshot from a sources folder or URL, without writing it. */
export async function buildSnapshotFrom(location: string, now: Date = new Date()): Promise<SyncResult> {
  const sources = parseCatalogSources(await readCatalogSources(location));
  const { snapshot, report } = buildCatalogSnapshot(sources);
  assertValidSnapshot(snapshot);
  return { snapshot, report, text: stringifySnapshot(snapshot), summary: summariseSnapshot(snapshot, report, now) };
}

export async function syncCatalog(options: { from?: string; out?: string; now?: Date } = {}): Promise<SyncResult & { location: string; out: string }> {
  const location = resolveSourcesLocation(options.from);
  const out = path.resolve(options.out ?? defaultSnapshotOutput());
  const result = await buildSnapshotFrom(location, options.now ?? new Date());
  await writeSnapshotFile(out, result.text);
  return { ...result, location, out };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SNAPSHOT_VERSION, type CatalogSnapshot } from './catalog-snapshot.js';

/**
 * `<repo root>/catalog/catalog-snapshot.json`. This module runs from `src/catalog/` (tests) and
 * from `dist/catalog/` (built): both are two levels below the root.
 */
export function defaultCatalogSnapshotPath(): string {
  return fileURLToPath(new URL('../../catalog/catalog-snapshot.json', import.meta.url));
}

export class CatalogSnapshotError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogSnapshotError';
  }
}

/**
 * Reads the committed snapshot. Runs at every start, so it checks only the outer shape (version,
 * the arrays and the fields lookups rely on); the sync command validated every field when it wrote it.
 */
export function loadCatalogSnapshot(path: string = defaultCatalogSnapshotPath()): CatalogSnapshot {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogSnapshotError(`Cannot read the catalog snapshot ${path}: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CatalogSnapshotError(`The catalog snapshot ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return checkSnapshotShape(parsed, path);
}

function checkSnapshotShape(value: unknown, path: string): CatalogSnapshot {
  const fail = (why: string): never => {
    throw new CatalogSnapshotError(`The catalog snapshot ${path} is malformed: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const snapshot = value as Partial<Record<keyof CatalogSnapshot, unknown>>;
  if (snapshot.version !== SNAPSHOT_VERSION) {
    return fail(`version ${String(snapshot.version)} is not ${SNAPSHOT_VERSION}; run \`switchyard catalog sync\``);
  }
  if (!Array.isArray(snapshot.models)) return fail('"models" is not an array');
  if (!Array.isArray(snapshot.providers)) return fail('"providers" is not an array');
  if (snapshot.sources !== undefined && !Array.isArray(snapshot.sources)) return fail('"sources" is not an array');
  snapshot.models.forEach((model: unknown, index) => {
    const candidate = model as { id?: unknown; creator?: unknown; offers?: unknown; aliases?: unknown } | null;
    if (typeof candidate?.id !== 'string' || candidate.id === '') fail(`models[${index}] has no id`);
    if (typeof candidate?.creator !== 'string') fail(`models[${index}] has no creator`);
    if (!Array.isArray(candidate?.offers)) fail(`models[${index}].offers is not an array`);
    if (!Array.isArray(candidate?.aliases)) fail(`models[${index}].aliases is not an array`);
  });
  snapshot.providers.forEach((provider: unknown, index) => {
    if (typeof (provider as { id?: unknown } | null)?.id !== 'string') fail(`providers[${index}] has no id`);
  });
  return value as CatalogSnapshot;
}

/**
 * The `sources` block and `sourcesDate` of the snapshot. Each source's snapshot is what the
 * sources folder's SOURCES.md table says for it; without that file, the dates inside the data
 * (model-eol `generated`, LiteLLM `last_updated`, the newest models.dev `last_updated`).
 * `sourcesDate` is the newest of those dates, never the time of the run.
 */
import type { SnapshotSource, SourceId } from '../catalog-snapshot.js';
import type { CatalogSources } from './source-schemas.js';

const SOURCE_FACTS: Array<{ id: SourceId; file: string; origin: string; license: string }> = [
  {
    id: 'models.dev',
    file: 'models.dev-api.json',
    origin: 'https://models.dev/api.json (github.com/anomalyco/models.dev)',
    license: 'MIT, Copyright (c) 2025 models.dev',
  },
  {
    id: 'model-eol',
    file: 'model-eol/*.json',
    origin: 'github.com/thossullivan/model-eol (feeds/)',
    license: 'MIT, Copyright (c) 2026 Tom Sullivan',
  },
  {
    id: 'litellm',
    file: 'litellm-model-prices.json',
    origin: 'github.com/BerriAI/litellm (model_prices_and_context_window.json)',
    license: 'MIT, Copyright (c) 2023 Berri AI',
  },
];

export function describeSources(sources: CatalogSources): { sources: SnapshotSource[]; sourcesDate: string } {
  const fromData: Record<SourceId, string | null> = {
    'models.dev': newestDate(Object.values(sources.modelsDev).flatMap((provider) => Object.values(provider.models).map((model) => model.last_updated))),
    'model-eol': newestDate(sources.modelEol.map((file) => file.generated)),
    litellm: newestDate([sources.litellmUpdated ?? undefined]),
  };
  const described = SOURCE_FACTS.map(({ id, file, origin, license }) => ({
    id,
    origin,
    license,
    snapshot: snapshotFromNote(sources.sourcesNote, file) ?? fromData[id] ?? 'unknown',
  }));
  const sourcesDate = newestDate(described.flatMap((source) => source.snapshot.match(/\d{4}-\d{2}-\d{2}/g) ?? []));
  if (sourcesDate === null) throw new Error('no source carries a date: cannot date the catalog snapshot');
  return { sources: described, sourcesDate };
}

/** The "snapshot" cell of the SOURCES.md table row for `file`. */
function snapshotFromNote(note: string | null, file: string): string | null {
  if (note === null) return null;
  for (const line of note.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells[1] !== file) continue;
    const header = note.split('\n').find((candidate) => /\|\s*snapshot\s*\|/i.test(candidate));
    const column = header ? header.split('|').map((cell) => cell.trim().toLowerCase()).indexOf('snapshot') : 4;
    const value = cells[column];
    return value && value.length > 0 ? value : null;
  }
  return null;
}

function newestDate(values: Array<string | undefined>): string | null {
  let newest: string | null = null;
  for (const value of values) {
    const date = value?.match(/\d{4}-\d{2}-\d{2}/)?.[0];
    if (date !== undefined && (newest === null || date > newest)) newest = date;
  }
  return newest;
}

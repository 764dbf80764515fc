/**
 * The snapshot as text that only changes when the data does: a pretty outer object, one provider,
 * model or disagreement per line, every object's keys in a fixed order (unknown keys after, sorted),
 * lists already sorted by the builder. The same snapshot always gives the same bytes.
 */
import { writeFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogSnapshot } from '../catalog-snapshot.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Shape = { keys: string[]; children?: Record<string, Shape>; items?: Shape; sortKeys?: boolean };

const PRICE_TIER: Shape = { keys: ['aboveInputTokens', 'input', 'output', 'cachedInput', 'cacheWrite'] };
const PRICE: Shape = {
  keys: ['input', 'output', 'cachedInput', 'cacheWrite', 'reasoning', 'inputAudio', 'outputAudio', 'outputImage', 'image', 'request', 'tiers'],
  children: { tiers: { keys: [], items: PRICE_TIER } },
};
const OFFER: Shape = {
  keys: ['provider', 'upstreamId', 'price', 'contextWindow', 'maxOutputTokens', 'flag', 'dialect', 'baseUrl', 'apiShape'],
  children: { price: PRICE },
};
const LIFECYCLE: Shape = {
  keys: ['announced', 'retiresAt', 'retiresAtPrecision', 'retiresAtIsEarliest', 'replacement', 'replacementNote', 'notes', 'platforms', 'source'],
  children: { platforms: { keys: [], items: { keys: ['via', 'retiresAt', 'announced', 'status', 'source'] } } },
};
const MODEL: Shape = {
  keys: [
    'id', 'name', 'creator', 'family', 'kind', 'description', 'modalities', 'contextWindow', 'maxOutputTokens', 'capabilities',
    'knowledgeCutoff', 'openWeights', 'releaseDate', 'lastUpdated', 'supportedParameters', 'officialPrice', 'offers', 'aliases',
    'lifecycle', 'preview', 'fieldSources',
  ],
  children: {
    modalities: { keys: ['input', 'output'] },
    capabilities: { keys: ['tools', 'vision', 'jsonOutput', 'reasoning', 'temperature'] },
    officialPrice: PRICE,
    offers: { keys: [], items: OFFER },
    lifecycle: LIFECYCLE,
    fieldSources: { keys: [], sortKeys: true },
  },
};
const SOURCE: Shape = { keys: ['id', 'origin', 'license', 'snapshot'] };
const PROVIDER: Shape = { keys: ['id', 'name', 'apiKeyEnv', 'baseUrl', 'docUrl', 'dialect'] };
const DISAGREEMENT: Shape = { keys: ['modelId', 'field', 'snapshot', 'other', 'otherSource'] };

export function stringifySnapshot(snapshot: CatalogSnapshot): string {
  const lines = ['{', `  "version": ${JSON.stringify(snapshot.version)},`, `  "sourcesDate": ${JSON.stringify(snapshot.sourcesDate)},`];
  const sections: Array<[string, unknown[], Shape]> = [
    ['sources', snapshot.sources, SOURCE],
    ['providers', snapshot.providers, PROVIDER],
    ['models', snapshot.models, MODEL],
    ['disagreements', snapshot.disagreements, DISAGREEMENT],
  ];
  sections.forEach(([name, items, shape], index) => {
    const comma = index === sections.length - 1 ? '' : ',';
    if (items.length === 0) {
      lines.push(`  ${JSON.stringify(name)}: []${comma}`);
      return;
    }
    lines.push(`  ${JSON.stringify(name)}: [`);
    items.forEach((item, itemIndex) => {
      const itemComma = itemIndex === items.length - 1 ? '' : ',';
      lines.push(`    ${JSON.stringify(canonical(item as Json, shape))}${itemComma}`);
    });
    lines.push(`  ]${comma}`);
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Writes through a temporary file in the same folder, so a reader never sees half a snapshot. */
export async function writeSnapshotFile(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

function canonical(value: Json, shape: Shape | undefined): Json {
  if (Array.isArray(value)) return value.map((item) => canonical(item, shape?.items));
  if (value === null || typeof value !== 'object') return value;
  const present = Object.keys(value).filter((key) => value[key] !== undefined);
  const known = shape && !shape.sortKeys ? shape.keys.filter((key) => present.includes(key)) : [];
  const rest = present.filter((key) => !known.includes(key)).sort();
  const result: { [key: string]: Json } = {};
  for (const key of [...known, ...rest]) {
    const child = value[key];
    if (child !== undefined) result[key] = canonical(child, shape?.children?.[key]);
  }
  return result;
}

/**
 * Reads the sources folder layout — `models.dev-api.json`, `model-eol/<publisher>.json`,
 * `litellm-model-prices.json`, optional `SOURCES.md` — from a local folder or an `https://` base URL.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { request } from 'undici';
import type { RawCatalogSources } from './source-schemas.js';

/** model-eol publishers fetched from a URL (a folder is listed instead). */
export const MODEL_EOL_PUBLISHERS = ['amazon', 'anthropic', 'google', 'openai'] as const;

export async function readCatalogSources(location: string): Promise<RawCatalogSources> {
  if (/^https:\/\//i.test(location)) return readFromUrl(location);
  if (/^[a-z]+:\/\//i.test(location)) throw new Error(`catalog sources must be a folder or an https:// URL: ${location}`);
  return readFromFolder(location);
}

async function readFromFolder(folder: string): Promise<RawCatalogSources> {
  if (!existsSync(folder)) throw new Error(`catalog sources folder not found: ${folder}`);
  const eolFolder = path.join(folder, 'model-eol');
  const eolNames = existsSync(eolFolder) ? (await readdir(eolFolder)).filter((name) => name.endsWith('.json')).sort() : [];
  if (eolNames.length === 0) throw new Error(`no model-eol/*.json files in ${folder}`);
  const sourcesNotePath = path.join(folder, 'SOURCES.md');
  return {
    modelsDev: await readJsonFile(path.join(folder, 'models.dev-api.json')),
    modelEol: await Promise.all(eolNames.map((name) => readJsonFile(path.join(eolFolder, name)))),
    litellm: await readJsonFile(path.join(folder, 'litellm-model-prices.json')),
    sourcesNote: existsSync(sourcesNotePath) ? await readFile(sourcesNotePath, 'utf8') : null,
  };
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new Error(`cannot read catalog source ${file}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`catalog source ${file} is not valid JSON`);
  }
}

async function readFromUrl(base: string): Promise<RawCatalogSources> {
  const root = base.endsWith('/') ? base : `${base}/`;
  const [modelsDev, litellm, sourcesNote, ...modelEol] = await Promise.all([
    fetchText(new URL('models.dev-api.json', root), true),
    fetchText(new URL('litellm-model-prices.json', root), true),
    fetchText(new URL('SOURCES.md', root), false),
    ...MODEL_EOL_PUBLISHERS.map((publisher) => fetchText(new URL(`model-eol/${publisher}.json`, root), true)),
  ]);
  return {
    modelsDev: parseJson(modelsDev, 'models.dev-api.json'),
    modelEol: modelEol.map((text, index) => parseJson(text, `model-eol/${MODEL_EOL_PUBLISHERS[index]}.json`)),
    litellm: parseJson(litellm, 'litellm-model-prices.json'),
    sourcesNote,
  };
}

async function fetchText(url: URL, required: boolean): Promise<string | null> {
  const response = await request(url, { method: 'GET', headersTimeout: 30_000, bodyTimeout: 60_000 });
  if (response.statusCode === 200) return response.body.text();
  await response.body.dump();
  if (!required && response.statusCode === 404) return null;
  throw new Error(`fetching ${url.href} answered HTTP ${response.statusCode}`);
}

function parseJson(text: string | null, name: string): unknown {
  try {
    return JSON.parse(text ?? '') as unknown;
  } catch {
    throw new Error(`catalog source ${name} is not valid JSON`);
  }
}

import type { CatalogModel } from './catalog-model.js';

/**
 * A small built-in set of well-known models so that routing and pricing work before the full
 * catalog is synced. Facts (limits, list prices) come from the public sources named in NOTICE.
 */
const base = { pricing: null, status: 'active', retiresAt: null, replacement: null } as const;

export const seedModels: CatalogModel[] = [
  {
    ...base,
    id: 'demo/echo',
    name: 'Demo Echo',
    provider: 'demo',
    kind: 'chat',
    description: 'Demo model built into Switchyard: repeats the last user message, streams, reports usage and can call a tool. Free, offline, for trying the gateway.',
    contextWindow: 32768,
    maxOutputTokens: 4096,
    officialPricing: { input: 0, output: 0 },
    releaseDate: null,
    created: 1735689600,
  },
  chat('gpt-4o', 'GPT-4o', 'openai', 128000, 16384, { input: 2.5, output: 10, cachedInput: 1.25 }, '2024-05-13'),
  chat('gpt-4o-mini', 'GPT-4o mini', 'openai', 128000, 16384, { input: 0.15, output: 0.6, cachedInput: 0.075 }, '2024-07-18'),
  chat('gpt-4.1', 'GPT-4.1', 'openai', 1047576, 32768, { input: 2, output: 8, cachedInput: 0.5 }, '2025-04-14'),
  chat('gpt-4.1-mini', 'GPT-4.1 mini', 'openai', 1047576, 32768, { input: 0.4, output: 1.6, cachedInput: 0.1 }, '2025-04-14'),
  chat('gpt-4.1-nano', 'GPT-4.1 nano', 'openai', 1047576, 32768, { input: 0.1, output: 0.4, cachedInput: 0.025 }, '2025-04-14'),
  chat('o4-mini', 'o4-mini', 'openai', 200000, 100000, { input: 1.1, output: 4.4, cachedInput: 0.275 }, '2025-04-16'),
  chat('gpt-5', 'GPT-5', 'openai', 272000, 128000, { input: 1.25, output: 10, cachedInput: 0.125 }, '2025-08-07'),
  chat('gpt-5-mini', 'GPT-5 mini', 'openai', 272000, 128000, { input: 0.25, output: 2, cachedInput: 0.025 }, '2025-08-07'),
  embedding('text-embedding-3-small', 'text-embedding-3-small', 'openai', 8191, 0.02),
  embedding('text-embedding-3-large', 'text-embedding-3-large', 'openai', 8191, 0.13),
  chat('deepseek-chat', 'DeepSeek Chat', 'deepseek', 131072, 8192, { input: 0.28, output: 0.42, cachedInput: 0.028 }, null),
  chat('deepseek-reasoner', 'DeepSeek Reasoner', 'deepseek', 131072, 65536, { input: 0.28, output: 0.42, cachedInput: 0.028 }, null),
];

function chat(
  id: string,
  name: string,
  provider: string,
  contextWindow: number,
  maxOutputTokens: number,
  officialPricing: CatalogModel['officialPricing'],
  releaseDate: string | null,
): CatalogModel {
  return {
    ...base,
    id,
    name,
    provider,
    kind: 'chat',
    description: `${name} by ${provider}.`,
    contextWindow,
    maxOutputTokens,
    officialPricing,
    releaseDate,
    created: releaseDate ? Math.floor(Date.parse(releaseDate) / 1000) : 1735689600,
  };
}

function embedding(id: string, name: string, provider: string, contextWindow: number, input: number): CatalogModel {
  return {
    ...base,
    id,
    name,
    provider,
    kind: 'embedding',
    description: `${name} embedding model by ${provider}.`,
    contextWindow,
    maxOutputTokens: null,
    officialPricing: { input, output: 0 },
    releaseDate: '2024-01-25',
    created: 1706140800,
  };
}

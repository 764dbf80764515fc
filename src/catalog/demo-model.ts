import type { SnapshotModel, SnapshotProvider } from './catalog-snapshot.js';

/** The built-in offline provider, listed in the catalog beside the synced ones. */
export const demoCatalogProvider: SnapshotProvider = {
  id: 'demo',
  name: 'Demo (built in, offline)',
  apiKeyEnv: [],
  baseUrl: null,
  docUrl: null,
  dialect: 'other',
};

/** `demo/echo`: free, offline, and clearly labelled as a demo. */
export const demoCatalogModel: SnapshotModel = {
  id: 'demo/echo',
  name: 'Demo Echo',
  creator: 'demo',
  family: 'demo',
  kind: 'chat',
  description:
    'Demo model built into Switchyard, not a real language model: it repeats the last user message, streams, reports usage and calls a tool when asked to. Free and offline, for trying the gateway.',
  modalities: { input: ['text'], output: ['text'] },
  contextWindow: 32768,
  maxOutputTokens: 4096,
  capabilities: { tools: true, vision: false, jsonOutput: false, reasoning: false, temperature: true },
  knowledgeCutoff: null,
  openWeights: true,
  releaseDate: '2026-01-01',
  lastUpdated: '2026-01-01',
  supportedParameters: ['tools', 'tool_choice', 'max_tokens', 'stream'],
  officialPrice: { input: 0, output: 0 },
  offers: [{ provider: 'demo', upstreamId: 'demo/echo', price: { input: 0, output: 0 }, contextWindow: 32768, maxOutputTokens: 4096, flag: null }],
  aliases: [],
  lifecycle: null,
  preview: false,
  fieldSources: {},
};

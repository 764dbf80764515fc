import type { SnapshotModel, SnapshotOffer } from '../../src/catalog/catalog-snapshot.js';
import type { Channel } from '../../src/routing/channel.js';

export function testChannel(overrides: Partial<Channel> & Pick<Channel, 'name' | 'provider' | 'models'>): Channel {
  return {
    id: overrides.name,
    baseUrl: 'http://upstream.invalid/v1',
    apiKey: 'sk-test-credential',
    modelMap: {},
    priority: 0,
    weight: 1,
    timeoutMs: 1000,
    headers: {},
    enabled: true,
    source: 'file',
    ...overrides,
  };
}

export function testOffer(provider: string, upstreamId: string, extra: Partial<SnapshotOffer> = {}): SnapshotOffer {
  return { provider, upstreamId, price: { input: 1, output: 2 }, contextWindow: 1000, maxOutputTokens: 100, flag: null, ...extra };
}

export function testModel(id: string, creator: string, offers: SnapshotOffer[], extra: Partial<SnapshotModel> = {}): SnapshotModel {
  return {
    id,
    name: id,
    creator,
    family: null,
    kind: 'chat',
    description: '',
    modalities: { input: ['text'], output: ['text'] },
    contextWindow: 1000,
    maxOutputTokens: 100,
    capabilities: { tools: true, vision: false, jsonOutput: false, reasoning: false, temperature: true },
    knowledgeCutoff: null,
    openWeights: null,
    releaseDate: '2024-01-01',
    lastUpdated: null,
    supportedParameters: [],
    officialPrice: { input: 1, output: 2 },
    offers,
    aliases: [],
    lifecycle: null,
    preview: false,
    fieldSources: {},
    ...extra,
  };
}

/** A seeded generator (Park–Miller), so weighted orders are reproducible. */
export function seededRandom(seed = 7): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647;
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

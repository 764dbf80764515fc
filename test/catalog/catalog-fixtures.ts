import type { CatalogSnapshot, SnapshotModel, SnapshotOffer, SnapshotPrice, SnapshotProvider } from '../../src/catalog/catalog-snapshot.js';
import type { CatalogApiContext } from '../../src/catalog/catalog-api-context.js';
import { ModelCatalog, type CatalogModelAddition } from '../../src/catalog/model-catalog.js';

export function fixtureModel(id: string, overrides: Partial<SnapshotModel> = {}): SnapshotModel {
  return {
    id,
    name: id,
    creator: 'openai',
    family: null,
    kind: 'chat',
    description: `${id} for tests`,
    modalities: { input: ['text'], output: ['text'] },
    contextWindow: null,
    maxOutputTokens: null,
    capabilities: { tools: false, vision: false, jsonOutput: false, reasoning: false, temperature: true },
    knowledgeCutoff: null,
    openWeights: null,
    releaseDate: null,
    lastUpdated: null,
    supportedParameters: [],
    officialPrice: null,
    offers: [],
    aliases: [],
    lifecycle: null,
    preview: false,
    fieldSources: {},
    ...overrides,
  };
}

export function fixtureOffer(provider: string, upstreamId: string, price: SnapshotPrice | null, overrides: Partial<SnapshotOffer> = {}): SnapshotOffer {
  return { provider, upstreamId, price, contextWindow: null, maxOutputTokens: null, flag: null, ...overrides };
}

function provider(id: string, name: string, dialect: SnapshotProvider['dialect'] = 'openai'): SnapshotProvider {
  return { id, name, apiKeyEnv: [`${id.toUpperCase().replace(/-/g, '_')}_API_KEY`], baseUrl: `https://${id}.example/v1`, docUrl: null, dialect };
}

const openaiPrice = (input: number, output: number): SnapshotPrice => ({ input, output });

export function fixtureSnapshot(): CatalogSnapshot {
  const gpt4oPrice: SnapshotPrice = { input: 2.5, output: 10, cachedInput: 1.25 };
  const sonnetPrice: SnapshotPrice = { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75, tiers: [{ aboveInputTokens: 200_000, input: 6, output: 22.5 }] };
  const models: SnapshotModel[] = [
    fixtureModel('gpt-4o', {
      name: 'GPT-4o',
      family: 'gpt-4o',
      modalities: { input: ['text', 'image'], output: ['text'] },
      contextWindow: 128_000,
      maxOutputTokens: 16_384,
      capabilities: { tools: true, vision: true, jsonOutput: true, reasoning: false, temperature: true },
      releaseDate: '2024-05-13',
      officialPrice: gpt4oPrice,
      offers: [
        fixtureOffer('openai', 'gpt-4o', gpt4oPrice, { contextWindow: 128_000, maxOutputTokens: 16_384 }),
        fixtureOffer('openrouter', 'openai/gpt-4o', { input: 2.5, output: 10 }, { contextWindow: 128_000 }),
        fixtureOffer('azure', 'gpt-4o-2024-11-20', { input: 2.75, output: 11 }, { contextWindow: 128_000, maxOutputTokens: 4_096 }),
      ],
      aliases: ['chatgpt-4o', 'gpt-4o-2024-11-20', 'openai/gpt-4o'],
    }),
    fixtureModel('gpt-4-0613', {
      name: 'GPT-4 (0613)',
      family: 'gpt-4',
      contextWindow: 8_192,
      releaseDate: '2023-06-13',
      officialPrice: openaiPrice(30, 60),
      offers: [fixtureOffer('openai', 'gpt-4-0613', openaiPrice(30, 60))],
      aliases: ['gpt-4'],
    }),
    fixtureModel('gpt-4-0314', {
      name: 'GPT-4 (0314)',
      family: 'gpt-4',
      contextWindow: 8_192,
      releaseDate: '2023-03-14',
      officialPrice: openaiPrice(30, 60),
      offers: [fixtureOffer('openai', 'gpt-4-0314', openaiPrice(30, 60))],
      lifecycle: {
        announced: '2023-06-13',
        retiresAt: '2024-06-13',
        retiresAtPrecision: 'day',
        replacement: 'gpt-5',
        replacementNote: 'Use gpt-5 or gpt-4o.',
        notes: null,
        platforms: [{ via: 'azure-ai-foundry', retiresAt: '2024-10-01', source: 'https://learn.microsoft.example/retirements' }],
        source: 'https://platform.openai.example/docs/deprecations',
      },
    }),
    fixtureModel('gpt-5', {
      name: 'GPT-5',
      family: 'gpt-5',
      modalities: { input: ['text', 'image'], output: ['text'] },
      contextWindow: 400_000,
      capabilities: { tools: true, vision: true, jsonOutput: true, reasoning: true, temperature: false },
      releaseDate: '2025-08-07',
      officialPrice: openaiPrice(1.25, 10),
      offers: [
        fixtureOffer('openai', 'gpt-5', openaiPrice(1.25, 10)),
        fixtureOffer('azure', 'gpt-5-2025-08-07', openaiPrice(1.25, 10)),
        fixtureOffer('github', 'gpt-5-2025-08-07', null),
      ],
    }),
    fixtureModel('claude-sonnet-4-5', {
      name: 'Claude Sonnet 4.5',
      creator: 'anthropic',
      family: 'claude-sonnet',
      modalities: { input: ['text', 'image', 'pdf'], output: ['text'] },
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      capabilities: { tools: true, vision: true, jsonOutput: false, reasoning: true, temperature: true },
      releaseDate: '2025-09-29',
      officialPrice: sonnetPrice,
      offers: [
        fixtureOffer('anthropic', 'claude-sonnet-4-5', sonnetPrice, { contextWindow: 200_000, maxOutputTokens: 64_000 }),
        fixtureOffer('amazon-bedrock', 'anthropic.claude-sonnet-4-5-20250929-v1:0', { input: 3.3, output: 16.5 }),
        fixtureOffer('openrouter', 'anthropic/claude-sonnet-4.5', { input: 3, output: 15 }),
      ],
      aliases: ['claude-sonnet-4-5-20250929'],
    }),
    fixtureModel('claude-3-opus-20240229', {
      name: 'Claude 3 Opus',
      creator: 'anthropic',
      family: 'claude-opus',
      contextWindow: 200_000,
      releaseDate: '2024-02-29',
      officialPrice: openaiPrice(15, 75),
      offers: [fixtureOffer('anthropic', 'claude-3-opus-20240229', openaiPrice(15, 75))],
      lifecycle: {
        announced: '2025-06-30',
        retiresAt: '2026-01-05',
        retiresAtPrecision: 'day',
        replacement: 'claude-opus-4-1',
        replacementNote: null,
        notes: null,
        platforms: [],
        source: 'https://docs.anthropic.example/deprecations',
      },
    }),
    fixtureModel('gemini-2.5-flash', {
      name: 'Gemini 2.5 Flash',
      creator: 'google',
      family: 'gemini-flash',
      modalities: { input: ['text', 'image', 'audio', 'video'], output: ['text'] },
      contextWindow: 1_048_576,
      capabilities: { tools: true, vision: true, jsonOutput: true, reasoning: true, temperature: true },
      releaseDate: '2025-06-17',
      officialPrice: { input: 0.3, output: 2.5, inputAudio: 1 },
      offers: [fixtureOffer('google', 'gemini-2.5-flash', { input: 0.3, output: 2.5, inputAudio: 1 })],
    }),
    fixtureModel('gemini-3-pro-preview', {
      name: 'Gemini 3 Pro Preview',
      creator: 'google',
      family: 'gemini-pro',
      contextWindow: 1_000_000,
      releaseDate: '2025-11-18',
      officialPrice: openaiPrice(2, 12),
      offers: [fixtureOffer('google', 'gemini-3-pro-preview', openaiPrice(2, 12))],
      preview: true,
    }),
    fixtureModel('dall-e-3', {
      name: 'DALL·E 3',
      kind: 'image',
      modalities: { input: ['text'], output: ['image'] },
      releaseDate: '2023-10-01',
      officialPrice: { image: 0.04 },
      offers: [fixtureOffer('openai', 'dall-e-3', { image: 0.04 })],
    }),
    fixtureModel('llama-3.3-70b', {
      name: 'Llama 3.3 70B',
      creator: 'meta',
      family: 'llama',
      contextWindow: 131_072,
      openWeights: true,
      releaseDate: '2024-12-06',
      offers: [
        fixtureOffer('groq', 'llama-3.3-70b-versatile', { input: 0.59, output: 0.79 }),
        fixtureOffer('together', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', { input: 0.88, output: 0.88 }),
      ],
    }),
    fixtureModel('orion-2', {
      name: 'Orion 2',
      releaseDate: '2099-01-01',
      officialPrice: openaiPrice(5, 20),
      offers: [fixtureOffer('openai', 'orion-2', openaiPrice(5, 20))],
    }),
  ];
  return {
    version: 1,
    sourcesDate: '2025-11-20',
    sources: [],
    providers: [
      provider('openai', 'OpenAI'),
      provider('anthropic', 'Anthropic', 'anthropic'),
      provider('google', 'Google', 'gemini'),
      provider('openrouter', 'OpenRouter'),
      provider('azure', 'Azure OpenAI'),
      provider('amazon-bedrock', 'Amazon Bedrock', 'other'),
      provider('groq', 'Groq'),
      provider('together', 'Together AI'),
      provider('meta', 'Meta'),
    ],
    models,
    disagreements: [],
  };
}

export function fixtureCatalog(additions: CatalogModelAddition[] = []): ModelCatalog {
  return new ModelCatalog(fixtureSnapshot(), additions);
}

const MARKUP = 0.8;

function scale(price: SnapshotPrice | null): SnapshotPrice | null {
  if (price === null) return null;
  const scaled: SnapshotPrice = {};
  for (const key of ['input', 'output', 'cachedInput', 'cacheWrite', 'reasoning', 'image', 'request'] as const) {
    const value = price[key];
    if (value !== undefined) scaled[key] = Math.round(value * MARKUP * 1e6) / 1e6;
  }
  if (price.tiers) scaled.tiers = price.tiers.map((tier) => ({ ...tier, input: tier.input === undefined ? undefined : tier.input * MARKUP }));
  return scaled;
}

/**
 * A context as the composition root would build it: our price is the configured one, else the
 * official (or the offer's) price × 0.8; availability from explicit sets.
 */
export function fixtureContext(
  catalog: ModelCatalog,
  available: { models?: string[]; offers?: string[]; providers?: string[] } = {},
): CatalogApiContext & { ourPriceCalls: number } {
  const models = new Set(available.models ?? []);
  const offers = new Set(available.offers ?? []);
  const providers = new Set(available.providers ?? []);
  return {
    catalog,
    ourPriceCalls: 0,
    ourPrice(modelId, providerId) {
      this.ourPriceCalls++;
      const override = catalog.priceOverride(modelId, providerId);
      if (override) return override;
      if (providerId === null) return scale(catalog.get(modelId)?.officialPrice ?? null);
      return scale(catalog.offerOf(modelId, providerId)?.price ?? null);
    },
    isAvailable(modelId, providerId) {
      return providerId === undefined ? models.has(modelId) : offers.has(`${providerId}:${modelId}`);
    },
    isProviderAvailable(providerId) {
      return providers.has(providerId);
    },
  };
}

import type { ProviderAdapter, ProviderDefinition } from '../core/index.js';
import type { SnapshotProvider } from '../catalog/catalog-snapshot.js';
import { providersFromCatalog } from './providers-from-catalog.js';
import { demoProvider } from './demo/index.js';
import { openaiProvider } from './openai/index.js';
import { anthropicProvider } from './anthropic/index.js';
import { openaiResponsesProvider } from './openai-responses/index.js';
import { openaiCompatibleProvider } from './openai-compatible/index.js';
import { deepseekProvider } from './deepseek/index.js';
import { groqProvider } from './groq/index.js';
import { mistralProvider } from './mistral/index.js';
import { openrouterProvider } from './openrouter/index.js';
import { togetherProvider } from './togetherai/index.js';
import { xaiProvider } from './xai/index.js';

/** Every provider the gateway can reach: adding one is a folder plus a line here. */
export const providerDefinitions: readonly ProviderDefinition[] = [
  demoProvider,
  openaiProvider,
  anthropicProvider,
  openaiResponsesProvider,
  openaiCompatibleProvider,
  deepseekProvider,
  groqProvider,
  mistralProvider,
  openrouterProvider,
  togetherProvider,
  xaiProvider,
];

/** Looks adapters up by provider id, creating each once. */
export class ProviderRegistry {
  private readonly all: readonly ProviderDefinition[];
  private readonly definitionsById: Map<string, ProviderDefinition>;
  private readonly adapters = new Map<string, ProviderAdapter>();

  /** The built-in providers, plus every OpenAI-dialect provider of the catalog. */
  constructor(catalogProviders: readonly SnapshotProvider[] = []) {
    const builtIn = new Set(providerDefinitions.map((definition) => definition.id));
    this.all = [...providerDefinitions, ...providersFromCatalog(catalogProviders, builtIn)];
    this.definitionsById = new Map(this.all.map((definition) => [definition.id, definition]));
  }

  definitions(): readonly ProviderDefinition[] {
    return this.all;
  }

  byId(): ReadonlyMap<string, ProviderDefinition> {
    return this.definitionsById;
  }

  adapterFor(providerId: string): ProviderAdapter | undefined {
    let adapter = this.adapters.get(providerId);
    if (!adapter) {
      const definition = this.definitionsById.get(providerId);
      if (!definition) return undefined;
      adapter = definition.create();
      this.adapters.set(providerId, adapter);
    }
    return adapter;
  }
}

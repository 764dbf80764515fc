import type { ProviderDefinition } from '../core/index.js';
import type { SnapshotProvider } from '../catalog/catalog-snapshot.js';
import { defineOpenAICompatibleProvider } from './openai-compatible/index.js';

/**
 * Every catalog provider that speaks OpenAI's dialect at a fixed base URL becomes a provider of
 * the gateway with no code of its own: the OpenAI-compatible adapter, the catalog's base URL and
 * API-key variable. Providers with a folder of their own keep it (they know their quirks).
 */
export function providersFromCatalog(
  catalogProviders: readonly SnapshotProvider[],
  builtIn: ReadonlySet<string>,
): ProviderDefinition[] {
  const definitions: ProviderDefinition[] = [];
  for (const provider of catalogProviders) {
    if (builtIn.has(provider.id) || provider.dialect !== 'openai') continue;
    // A base URL with a placeholder (a region, a resource name) needs per-channel configuration.
    if (!provider.baseUrl || provider.baseUrl.includes('${')) continue;
    definitions.push(
      defineOpenAICompatibleProvider({
        id: provider.id,
        name: provider.name,
        defaultBaseUrl: provider.baseUrl.replace(/\/+$/, ''),
        ...(provider.apiKeyEnv.length === 1 ? { apiKeyEnv: provider.apiKeyEnv[0]! } : {}),
      }),
    );
  }
  return definitions;
}

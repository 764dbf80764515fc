import type { ProviderAvailabilityContext } from './catalog-api-context.js';
import type { ProviderDialect, SnapshotProvider } from './catalog-snapshot.js';
import type { ModelCatalog } from './model-catalog.js';

/** One item of `GET /api/providers`. */
export interface CatalogProviderJson {
  id: string;
  name: string;
  /** How many catalog models this provider offers. */
  models: number;
  /** True when an enabled channel of this provider exists now. */
  available: boolean;
  dialect: ProviderDialect;
  api_key_env: string[];
  base_url: string | null;
  doc_url: string | null;
}

export function encodeCatalogProvider(provider: SnapshotProvider, catalog: ModelCatalog, context: ProviderAvailabilityContext): CatalogProviderJson {
  return {
    id: provider.id,
    name: provider.name,
    models: catalog.modelsOfProvider(provider.id).length,
    available: context.isProviderAvailable(provider.id),
    dialect: provider.dialect,
    api_key_env: [...provider.apiKeyEnv],
    base_url: provider.baseUrl,
    doc_url: provider.docUrl,
  };
}

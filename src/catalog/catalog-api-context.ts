import type { SnapshotPrice } from './catalog-snapshot.js';
import type { ModelCatalog } from './model-catalog.js';

/** What encoding a catalog model needs from the running gateway (implemented by the composition root). */
export interface CatalogEncodingContext {
  /** Our price (official × markup unless configured) for the model, as served by `provider` when given. */
  ourPrice(modelId: string, provider: string | null): SnapshotPrice | null;
  /** Whether an enabled channel serves the model now (through `provider`, when given). */
  isAvailable(modelId: string, provider?: string): boolean;
}

export interface ProviderAvailabilityContext {
  /** Whether an enabled channel of this provider exists now. */
  isProviderAvailable(providerId: string): boolean;
}

/** Everything the public catalog API reads; swapped as a whole when the configuration is reloaded. */
export type CatalogApiContext = { catalog: ModelCatalog } & CatalogEncodingContext & ProviderAvailabilityContext;

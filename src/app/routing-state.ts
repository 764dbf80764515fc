import type { SwitchyardConfig } from '../config/index.js';
import type { ProviderDefinition } from '../core/index.js';
import { Catalog } from '../catalog/catalog.js';
import { seedModels } from '../catalog/seed-models.js';
import { PriceBook, type PriceEntry } from '../metering/price-book.js';
import { RoutePlanner } from '../routing/route-planner.js';
import { buildChannels } from './build-channels.js';

/** Everything derived from one configuration: rebuilt whole on reload, swapped in one step. */
export interface RoutingState {
  catalog: Catalog;
  planner: RoutePlanner;
  prices: PriceBook;
}

export function buildRoutingState(config: SwitchyardConfig, providers: ReadonlyMap<string, ProviderDefinition>): RoutingState {
  const catalog = new Catalog(seedModels, config.models);
  const channels = buildChannels(config.channels, providers);
  const planner = new RoutePlanner(channels, catalog, new Set(providers.keys()));
  const entries: PriceEntry[] = catalog.list().map((model) => ({
    modelId: model.id,
    ...(model.pricing ? { pricing: model.pricing } : {}),
    ...(model.officialPricing ? { official: model.officialPricing } : {}),
  }));
  return { catalog, planner, prices: new PriceBook(entries, config.pricing.markup) };
}

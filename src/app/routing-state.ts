import type { SwitchyardConfig } from '../config/index.js';
import type { ProviderDefinition } from '../core/index.js';
import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { demoCatalogModel, demoCatalogProvider } from '../catalog/demo-model.js';
import { PriceBook } from '../metering/price-book.js';
import { PriceResolver } from '../metering/price-resolver.js';
import { RoutePlanner } from '../routing/route-planner.js';
import type { ChannelHealth } from '../routing/channel-health.js';
import { buildChannels } from './build-channels.js';
import { buildPriceEntries } from './build-price-entries.js';

/** Everything derived from one configuration: rebuilt whole on reload, swapped in one step. */
export interface RoutingState {
  catalog: ModelCatalog;
  planner: RoutePlanner;
  prices: PriceResolver;
  /** The gateway-wide price book (for display: our price of each model and offer). */
  defaultPrices: PriceBook;
  /** Provider ids that some enabled channel uses. */
  servedProviders: ReadonlySet<string>;
}

export function buildRoutingState(
  config: SwitchyardConfig,
  snapshot: CatalogSnapshot,
  providers: ReadonlyMap<string, ProviderDefinition>,
  health?: ChannelHealth,
): RoutingState {
  const catalog = new ModelCatalog(
    { ...snapshot, models: [demoCatalogModel, ...snapshot.models], providers: [demoCatalogProvider, ...snapshot.providers] },
    config.models,
  );
  const channels = buildChannels(config.channels, providers);
  const planner = new RoutePlanner(channels, catalog, new Set(providers.keys()), Math.random, () => new Date(), {
    ...(health ? { health } : {}),
    strategy: config.routing.strategy,
    modelStrategies: config.routing.modelStrategies,
  });
  const entries = buildPriceEntries(catalog);
  const defaultPrices = new PriceBook(entries, config.pricing.markup);
  // Channels with a markup of their own get a book of their own; equal markups share one.
  const booksByMarkup = new Map<number, PriceBook>();
  const booksByChannel = new Map<string, PriceBook>();
  for (const channel of config.channels) {
    if (channel.markup === null || channel.markup === config.pricing.markup) continue;
    let book = booksByMarkup.get(channel.markup);
    if (!book) {
      book = new PriceBook(entries, channel.markup);
      booksByMarkup.set(channel.markup, book);
    }
    booksByChannel.set(channel.name, book);
  }
  return {
    catalog,
    planner,
    prices: new PriceResolver(defaultPrices, booksByChannel),
    defaultPrices,
    servedProviders: new Set(channels.filter((channel) => channel.enabled).map((channel) => channel.provider)),
  };
}

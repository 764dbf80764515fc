import type { CatalogApiContext } from '../catalog/catalog-api-context.js';
import type { SnapshotPrice } from '../catalog/catalog-snapshot.js';
import type { ModelPrice } from '../metering/price-book.js';
import { unitsToUsdNumber } from '../metering/money.js';
import type { RoutingState } from './routing-state.js';

const TOKENS_PER_QUOTE = 1_000_000n;

/** Our price back in the catalog's terms (USD per 1M tokens), exact: derived from the same units we bill. */
export function priceInUsd(price: ModelPrice): SnapshotPrice {
  const perMillion = (units: bigint) => unitsToUsdNumber(units * TOKENS_PER_QUOTE);
  const usd: SnapshotPrice = {
    input: perMillion(price.input),
    output: perMillion(price.output),
    cachedInput: perMillion(price.cachedInput),
    cacheWrite: perMillion(price.cacheWrite),
  };
  if (price.reasoning !== null) usd.reasoning = perMillion(price.reasoning);
  if (price.perImage > 0n) usd.image = unitsToUsdNumber(price.perImage);
  if (price.perRequest > 0n) usd.request = unitsToUsdNumber(price.perRequest);
  if (price.tiers.length > 0) {
    usd.tiers = price.tiers.map((tier) => ({
      aboveInputTokens: tier.aboveInputTokens,
      input: perMillion(tier.input),
      output: perMillion(tier.output),
      cachedInput: perMillion(tier.cachedInput),
      cacheWrite: perMillion(tier.cacheWrite),
    }));
  }
  return usd;
}

/** What the public catalog API reads from one routing state. */
export function catalogApiContext(state: RoutingState): CatalogApiContext {
  return {
    catalog: state.catalog,
    ourPrice(modelId, provider) {
      const price = state.defaultPrices.priceFor(modelId, provider);
      return price ? priceInUsd(price) : null;
    },
    isAvailable: (modelId, provider) => state.planner.isRoutable(modelId, provider),
    isProviderAvailable: (providerId) => state.servedProviders.has(providerId),
  };
}

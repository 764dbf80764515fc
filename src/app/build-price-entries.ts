import type { ModelCatalog } from '../catalog/model-catalog.js';
import type { PriceEntry } from '../metering/price-book.js';
import { listPriceOf } from '../catalog/list-price.js';

/**
 * The price book's entries for every catalog model: its general price (the creator's list price),
 * then one per offer (that provider's list price). A price configured for the model replaces the
 * list price; the markup applies only to list prices.
 */
export function buildPriceEntries(catalog: ModelCatalog): PriceEntry[] {
  const entries: PriceEntry[] = [];
  for (const model of catalog.list()) {
    const generalOverride = catalog.priceOverride(model.id, null);
    const official = listPriceOf(model);
    entries.push({
      modelId: model.id,
      ...(official ? { official } : {}),
      ...(generalOverride ? { pricing: generalOverride } : {}),
    });
    for (const offer of model.offers) {
      const override = catalog.priceOverride(model.id, offer.provider) ?? generalOverride;
      const offerOfficial = offer.price ?? official;
      entries.push({
        modelId: model.id,
        provider: offer.provider,
        ...(offerOfficial ? { official: offerOfficial } : {}),
        ...(override ? { pricing: override } : {}),
      });
    }
  }
  return entries;
}

import type { SnapshotModel, SnapshotPrice } from './catalog-snapshot.js';

/**
 * The official list price of a model: its creator's published price; for a model its creator
 * does not sell (retired, or only offered by others), the first price an offer lists. Our price
 * derives from this, and the catalog shows it beside ours.
 */
export function listPriceOf(model: SnapshotModel): SnapshotPrice | null {
  if (model.officialPrice) return model.officialPrice;
  const creatorOffer = model.offers.find((offer) => offer.provider === model.creator && offer.price);
  return creatorOffer?.price ?? model.offers.find((offer) => offer.price)?.price ?? null;
}

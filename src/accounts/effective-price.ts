/** A caller's price of a model: our price times the multiplier of the caller's group. */
import type { SnapshotPrice, SnapshotPriceTier } from '../catalog/catalog-snapshot.js';
import { unitsToUsdNumber, usdToUnits } from '../metering/money.js';
import { applyMultiplier, type PriceRatio } from './account-group-pricing.js';

const SCALED_KINDS = [
  'input',
  'output',
  'cachedInput',
  'cacheWrite',
  'reasoning',
  'inputAudio',
  'outputAudio',
  'outputImage',
  'image',
  'request',
] as const;

const SCALED_TIER_KINDS = ['input', 'output', 'cachedInput', 'cacheWrite'] as const;

/** Every quoted amount of `price` times `ratio`, computed in exact units then shown as USD. */
export function effectivePrice(price: SnapshotPrice, ratio: PriceRatio): SnapshotPrice {
  const result: SnapshotPrice = {};
  for (const kind of SCALED_KINDS) {
    const amount = price[kind];
    if (amount !== undefined) result[kind] = scaled(amount, ratio);
  }
  if (price.tiers !== undefined) result.tiers = price.tiers.map((tier) => scaledTier(tier, ratio));
  return result;
}

function scaledTier(tier: SnapshotPriceTier, ratio: PriceRatio): SnapshotPriceTier {
  const result: SnapshotPriceTier = { aboveInputTokens: tier.aboveInputTokens };
  for (const kind of SCALED_TIER_KINDS) {
    const amount = tier[kind];
    if (amount !== undefined) result[kind] = scaled(amount, ratio);
  }
  return result;
}

function scaled(amount: number, ratio: PriceRatio): number {
  return unitsToUsdNumber(applyMultiplier(usdToUnits(amount), ratio));
}

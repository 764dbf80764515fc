/**
 * What an account's group means for routing and pricing, as pure functions the request path can
 * call: the exact price multiplier, and the pool of channels the account may be routed to.
 */
import type { AccountGroupRecord } from '../store/account-group-store.js';

/** A non-negative exact ratio; prices are multiplied by `numerator / denominator`. */
export interface PriceRatio {
  numerator: bigint;
  denominator: bigint;
}

export const UNIT_RATIO: PriceRatio = { numerator: 1n, denominator: 1n };

const MULTIPLIER_TEXT = /^(\d{1,6})(?:\.(\d{1,12}))?$/;

/**
 * The canonical decimal text of a multiplier given as a number or a decimal string ("0.90" -> "0.9").
 * Throws a RangeError for anything but a plain non-negative decimal with at most 12 decimals.
 */
export function normalizePriceMultiplier(value: number | string): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError('price multiplier must be a finite number');
  // A number's shortest decimal string is what the operator wrote (0.9, not 0.900000000000000022…).
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = MULTIPLIER_TEXT.exec(text);
  if (!match) throw new RangeError(`price multiplier must be a non-negative decimal with at most 12 decimals, got ${text}`);
  const whole = BigInt(match[1]!).toString();
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The exact ratio of a multiplier's decimal text, reduced ("0.9" -> 9/10, "1.25" -> 5/4). */
export function parsePriceMultiplier(text: string): PriceRatio {
  const canonical = normalizePriceMultiplier(text);
  const [whole, fraction = ''] = canonical.split('.');
  const denominator = 10n ** BigInt(fraction.length);
  const numerator = BigInt(`${whole}${fraction}`);
  const divisor = greatestCommonDivisor(numerator, denominator);
  return { numerator: numerator / divisor, denominator: denominator / divisor };
}

/** The multiplier of an account in `group`; no group means 1. */
export function effectiveMultiplier(group: Pick<AccountGroupRecord, 'priceMultiplier'> | null): PriceRatio {
  return group ? parsePriceMultiplier(group.priceMultiplier) : UNIT_RATIO;
}

/**
 * `units × ratio`, rounded half up to a whole unit (10^-12 USD) when not exact. For costs and
 * prices, which are never negative.
 */
export function applyMultiplier(units: bigint, ratio: PriceRatio): bigint {
  if (units < 0n) throw new RangeError('cannot scale a negative amount');
  if (ratio.denominator === 1n) return units * ratio.numerator;
  return (units * ratio.numerator * 2n + ratio.denominator) / (ratio.denominator * 2n);
}

/** The channel names an account in `group` may be routed to; null means every channel. */
export function channelPool(group: Pick<AccountGroupRecord, 'channels'> | null): ReadonlySet<string> | null {
  if (!group || group.channels.length === 0) return null;
  return new Set(group.channels);
}

export function isChannelInPool(pool: ReadonlySet<string> | null, channelName: string): boolean {
  return pool === null || pool.has(channelName);
}

function greatestCommonDivisor(left: bigint, right: bigint): bigint {
  let a = left < 0n ? -left : left;
  let b = right;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

/**
 * Redis runs its scripts with Lua numbers (doubles): exact for integers below 2^53 only, which in
 * money units (10^-12 USD) is barely 9,007 USD. Amounts in Redis are therefore whole micro-USD
 * (10^-6 USD; exact up to 9 billion USD), always rounded so that Redis sees no more credit than
 * there is: amounts taken are rounded up, amounts given back rounded down.
 */
const UNITS_PER_MICRO_USD = 1_000_000n;

/** Rounded toward +∞ (a debit seen at least as large as it is). */
export function microUsdCeil(units: bigint): bigint {
  if (units >= 0n) return (units + UNITS_PER_MICRO_USD - 1n) / UNITS_PER_MICRO_USD;
  return -(-units / UNITS_PER_MICRO_USD);
}

/** Rounded toward −∞ (a balance seen at most as large as it is). */
export function microUsdFloor(units: bigint): bigint {
  return -microUsdCeil(-units);
}

export function microUsdToUnits(micro: bigint): bigint {
  return micro * UNITS_PER_MICRO_USD;
}

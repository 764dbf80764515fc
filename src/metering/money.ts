/**
 * Money in the gateway is an integer count of units of 10^-12 USD, held in a `bigint`.
 *
 * Why this unit: prices are quoted in USD per 1M tokens with up to six decimals
 * (e.g. 0.0375). One token at such a price is exactly `price × 10^6` units, so every
 * cost is an exact integer product and nothing is ever rounded or accumulated in floats.
 * A signed 64-bit column holds up to about 9.2 million USD per account.
 */
export const UNITS_PER_USD = 1_000_000_000_000n;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal USD amount (string or number) into units, exactly; throws beyond 12 decimals. */
export function usdToUnits(value: string | number): bigint {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${text}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > 12 && /[1-9]/.test(fraction.slice(12))) {
    throw new RangeError(`more than 12 decimals: ${text}`);
  }
  const units = BigInt(whole!) * UNITS_PER_USD + BigInt(fraction.slice(0, 12).padEnd(12, '0') || '0');
  return sign ? -units : units;
}

const UNITS_PER_USD_NUMBER = 1e12;
const MAX_SAFE_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

/** Renders units as a plain decimal USD string without trailing zeros ("0.00042"). */
export function unitsToUsdString(units: bigint): string {
  // Every answer renders its cost twice; below 2^53 units (9,007 USD) doubles do it exactly, and
  // without the bigint divisions, the padding and the regular expression.
  if (units <= MAX_SAFE_UNITS && units >= -MAX_SAFE_UNITS) return safeUnitsToUsdString(Number(units));
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const whole = absolute / UNITS_PER_USD;
  const fraction = (absolute % UNITS_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** `units` is an integer of at most 2^53 in magnitude, so every step below is exact. */
function safeUnitsToUsdString(units: number): string {
  const sign = units < 0 ? '-' : '';
  const absolute = Math.abs(units);
  let whole = Math.floor(absolute / UNITS_PER_USD_NUMBER);
  let fraction = absolute - whole * UNITS_PER_USD_NUMBER;
  // Should a quotient just below an integer round up to it, the remainder shows it.
  if (fraction < 0) {
    whole -= 1;
    fraction += UNITS_PER_USD_NUMBER;
  }
  if (fraction === 0) return `${sign}${whole}`;
  let digits = 12;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits -= 1;
  }
  return `${sign}${whole}.${String(fraction).padStart(digits, '0')}`;
}

/** Units as a JSON number of USD, for wire formats that want a number (`usage.cost`). */
export function unitsToUsdNumber(units: bigint): number {
  // Both ways give the double nearest the exact quotient: below 2^53 the units and 10^12 are
  // exact doubles, and a division of doubles rounds its exact result once, as parsing does.
  if (units <= MAX_SAFE_UNITS && units >= -MAX_SAFE_UNITS) return Number(units) / UNITS_PER_USD_NUMBER;
  return Number(unitsToUsdString(units));
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  // toFixed avoids exponent notation; 12 decimals is the unit, trailing zeros are harmless.
  const text = value.toFixed(12);
  return text;
}

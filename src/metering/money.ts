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

/** Renders units as a plain decimal USD string without trailing zeros ("0.00042"). */
export function unitsToUsdString(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const whole = absolute / UNITS_PER_USD;
  const fraction = (absolute % UNITS_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Units as a JSON number of USD, for wire formats that want a number (`usage.cost`). */
export function unitsToUsdNumber(units: bigint): number {
  return Number(unitsToUsdString(units));
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  // toFixed avoids exponent notation; 12 decimals is the unit, trailing zeros are harmless.
  const text = value.toFixed(12);
  return text;
}

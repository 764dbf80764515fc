import { describe, expect, it } from 'vitest';
import { UNITS_PER_USD, unitsToUsdNumber, unitsToUsdString, usdToUnits } from '../../src/metering/money.js';

/** The definition, in bigint arithmetic throughout. */
function referenceString(units: bigint): string {
  const negative = units < 0n;
  const absolute = negative ? -units : units;
  const fraction = (absolute % UNITS_PER_USD).toString().padStart(12, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${absolute / UNITS_PER_USD}${fraction ? `.${fraction}` : ''}`;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function edgeUnits(): bigint[] {
  const edges = [0n, 1n, 10n, 999_999_999_999n, UNITS_PER_USD, UNITS_PER_USD + 1n, 12_345_000n, MAX_SAFE - 1n, MAX_SAFE, MAX_SAFE + 1n, MAX_SAFE * 1_000n + 7n];
  // Just below and at every whole dollar up to the largest the double path takes.
  for (let dollars = 1n; dollars <= 9_007n; dollars += 1n) edges.push(dollars * UNITS_PER_USD - 1n, dollars * UNITS_PER_USD);
  return [...edges, ...edges.map((units) => -units)];
}

function randomUnits(count: number): bigint[] {
  let seed = 12_345;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => {
    const magnitude = BigInt(Math.floor(random() * 2 ** 53)) / 10n ** BigInt(Math.floor(random() * 14));
    return random() < 0.5 ? -magnitude : magnitude;
  });
}

describe('unitsToUsdString', () => {
  it('renders whole and fractional amounts without trailing zeros', () => {
    expect(unitsToUsdString(0n)).toBe('0');
    expect(unitsToUsdString(420_000_000n)).toBe('0.00042');
    expect(unitsToUsdString(-1n)).toBe('-0.000000000001');
    expect(unitsToUsdString(5n * UNITS_PER_USD)).toBe('5');
    expect(unitsToUsdString(MAX_SAFE + 1n)).toBe('9007.199254740992');
  });

  it('agrees with bigint arithmetic at the edges and over 100,000 random amounts', () => {
    for (const units of [...edgeUnits(), ...randomUnits(100_000)]) {
      const rendered = unitsToUsdString(units);
      if (rendered !== referenceString(units)) expect(rendered, `units ${units}`).toBe(referenceString(units));
      if (usdToUnits(rendered) !== units) expect(usdToUnits(rendered), `units ${units}`).toBe(units);
    }
  });
});

describe('unitsToUsdNumber', () => {
  it('is the number its decimal string parses to, at the edges and over 100,000 random amounts', () => {
    for (const units of [...edgeUnits(), ...randomUnits(100_000)]) {
      const number = unitsToUsdNumber(units);
      const parsed = Number(referenceString(units));
      if (number !== parsed) expect(number, `units ${units}`).toBe(parsed);
    }
  });
});

/**
 * Snapshot reads cross the settlement thread's boundary as typed arrays in the order of the ids
 * asked for, not as Maps: the main thread already holds the ids, and cloning a Map of 10,000
 * string keys and BigInt values held it for about 16 ms, against about 4 ms for the arrays and
 * the Map built from them. The thread only serves SQLite, whose integers are 64-bit, so every
 * value fits; one that does not is refused rather than wrapped, and the read is then answered
 * on the main connection.
 */
import type { StoredKeySpending } from './ledger-store.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Values of ids[index] at index; `present[index]` is 0 where the id has no row. */
export interface PackedValues {
  values: BigInt64Array;
  present: Uint8Array;
}

function checked(value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`${value} does not fit in 64 bits`);
  return value;
}

export function packBalances(ids: readonly string[], balances: ReadonlyMap<string, bigint>): PackedValues {
  const values = new BigInt64Array(ids.length);
  const present = new Uint8Array(ids.length);
  for (let index = 0; index < ids.length; index++) {
    const balance = balances.get(ids[index]!);
    if (balance === undefined) continue;
    values[index] = checked(balance);
    present[index] = 1;
  }
  return { values, present };
}

export function unpackBalances(ids: readonly string[], packed: PackedValues): Map<string, bigint> {
  const balances = new Map<string, bigint>();
  for (let index = 0; index < ids.length; index++) {
    if (packed.present[index] === 1) balances.set(ids[index]!, packed.values[index]!);
  }
  return balances;
}

/** Three values per id: spent, spent in the period, the period's start. */
export function packKeySpending(ids: readonly string[], spending: ReadonlyMap<string, StoredKeySpending>): PackedValues {
  const values = new BigInt64Array(ids.length * 3);
  const present = new Uint8Array(ids.length);
  for (let index = 0; index < ids.length; index++) {
    const stored = spending.get(ids[index]!);
    if (stored === undefined) continue;
    values[index * 3] = checked(stored.spent);
    values[index * 3 + 1] = checked(stored.periodSpent);
    values[index * 3 + 2] = checked(BigInt(stored.periodStart));
    present[index] = 1;
  }
  return { values, present };
}

export function unpackKeySpending(ids: readonly string[], packed: PackedValues): Map<string, StoredKeySpending> {
  const spending = new Map<string, StoredKeySpending>();
  for (let index = 0; index < ids.length; index++) {
    if (packed.present[index] !== 1) continue;
    spending.set(ids[index]!, {
      spent: packed.values[index * 3]!,
      periodSpent: packed.values[index * 3 + 1]!,
      periodStart: Number(packed.values[index * 3 + 2]!),
    });
  }
  return spending;
}

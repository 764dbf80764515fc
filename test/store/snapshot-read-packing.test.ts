import { describe, expect, it } from 'vitest';
import type { StoredKeySpending } from '../../src/store/ledger-store.js';
import { packBalances, packKeySpending, unpackBalances, unpackKeySpending } from '../../src/store/snapshot-read-packing.js';

describe('snapshot read packing', () => {
  const ids = ['acct_a', 'acct_missing', 'acct_b', 'acct_c'];

  it('carries balances in the order of the ids, leaving out ids without a row', () => {
    const balances = new Map([['acct_b', -(2n ** 63n)], ['acct_a', 12_345n], ['acct_c', 2n ** 63n - 1n]]);
    const packed = packBalances(ids, balances)!;
    expect([...packed.present]).toEqual([1, 0, 1, 1]);
    expect(unpackBalances(ids, packed)).toEqual(balances);
  });

  it('refuses a balance outside the signed 64-bit range rather than wrap it', () => {
    expect(() => packBalances(ids, new Map([['acct_a', 2n ** 63n]]))).toThrow(RangeError);
    expect(() => packBalances(ids, new Map([['acct_c', -(2n ** 63n) - 1n]]))).toThrow(RangeError);
  });

  it('carries key spending, three values a key', () => {
    const spending = new Map<string, StoredKeySpending>([
      ['acct_c', { spent: 9_000_000_000_000_000_000n, periodSpent: 17n, periodStart: 1_700_000_000_000 }],
      ['acct_a', { spent: 0n, periodSpent: 0n, periodStart: 0 }],
    ]);
    const packed = packKeySpending(ids, spending)!;
    expect(packed.values).toHaveLength(12);
    expect(unpackKeySpending(ids, packed)).toEqual(spending);
    expect(() => packKeySpending(ids, new Map([['acct_b', { spent: 2n ** 64n, periodSpent: 0n, periodStart: 0 }]]))).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { newLedgerEntryId } from '../../src/store/ledger-entry-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('ledger entry ids', () => {
  it('are version 7 UUIDs that carry their millisecond', () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0, 123);
    const id = newLedgerEntryId(now);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sort in the order they were made, within a millisecond and across a clock that steps back', () => {
    const start = Date.UTC(2030, 0, 1);
    const ids = [
      ...Array.from({ length: 50 }, () => newLedgerEntryId(start)),
      ...Array.from({ length: 50 }, () => newLedgerEntryId(start + 1)),
      newLedgerEntryId(start - 5_000),
      newLedgerEntryId(start + 2),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('moves on to the next millisecond once the counter of one is used up', () => {
    const start = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 5_000 }, () => newLedgerEntryId(start));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    const last = ids.at(-1)!;
    expect(Number.parseInt(last.slice(0, 8) + last.slice(9, 13), 16)).toBe(start + 1);
  });
});

/**
 * Which holds the ledger journals, and when: a fake journal records the calls, so the order and
 * the `heldAmount` each settlement carries can be checked exactly.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Caller } from '../../src/accounts/api-key-authenticator.js';
import type { CreditReservations } from '../../src/credit/credit-reservations.js';
import { HoldLedger, type HoldTicket, type LedgerJournal } from '../../src/credit/hold-ledger.js';
import type { HoldRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { newAccount, newApiKey, settlement } from '../store/store-fixtures.js';

const caller = {
  account: { ...newAccount({ id: 'acct-journaling' }), balance: 1_000_000n },
  key: { ...newApiKey('acct-journaling', { id: 'key-journaling' }), budgetPeriod: 'total' },
} as unknown as Caller;

const reservations = {
  reserve: async () => undefined,
  settled: () => undefined,
} as unknown as CreditReservations;

class RecordingJournal implements LedgerJournal {
  readonly holds: HoldRecord[] = [];
  readonly settlements: LedgerSettlement[] = [];
  recordHold(hold: HoldRecord): void {
    this.holds.push(hold);
  }
  record(settled: LedgerSettlement): null {
    this.settlements.push(settled);
    return null;
  }
}

function setUp() {
  let clock = 1_000_000;
  const journal = new RecordingJournal();
  const ledger = new HoldLedger({ journal, reservations, instanceId: 'inst-test', journalHoldsAfterMs: 100, now: () => clock });
  const hold = async (generationId: string): Promise<HoldTicket> =>
    (await ledger.hold({ caller, generationId, endpoint: '/v1/chat/completions', model: 'm', stream: false, amount: 50n }))!;
  const settle = (ticket: HoldTicket): void => {
    ledger.settle(settlement(caller.account.id, 5n, { id: ticket.generationId }), ticket);
  };
  return { journal, ledger, hold, settle, advance: (ms: number) => (clock += ms) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('hold journaling', () => {
  it('journals the holds still running after the delay, oldest first, and never one settled before', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { journal, ledger, hold, settle, advance } = setUp();
    const first = await hold('gen-1');
    advance(10);
    const second = await hold('gen-2');
    advance(10);
    const third = await hold('gen-3');
    settle(second);
    advance(85);
    // 105 ms after the first hold, 95 after the third: only the first is due.
    vi.advanceTimersByTime(50);
    expect(journal.holds.map((record) => record.generationId)).toEqual(['gen-1']);
    advance(20);
    vi.advanceTimersByTime(50);
    expect(journal.holds.map((record) => record.generationId)).toEqual(['gen-1', 'gen-3']);
    settle(first);
    settle(third);
    // The settled-early hold was never stored, so its settlement releases nothing.
    expect(journal.settlements.map((settled) => [settled.generation.id, settled.heldAmount])).toEqual([
      ['gen-2', undefined],
      ['gen-1', 50n],
      ['gen-3', 50n],
    ]);
    ledger.close();
  });

  it('journals every waiting hold at close, and leaves out the ones settled from any place in the line', async () => {
    const { journal, ledger, hold, settle } = setUp();
    const tickets = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => hold(`gen-${id}`)));
    settle(tickets[0]!);
    settle(tickets[2]!);
    settle(tickets[4]!);
    ledger.close();
    expect(journal.holds.map((record) => record.generationId)).toEqual(['gen-b', 'gen-d']);
  });

  it('refuses a ticket it did not issue, and a second settlement of one it did', async () => {
    const { ledger, hold, settle } = setUp();
    const forged: HoldTicket = { generationId: 'gen-forged', amount: 50n, claim: (await hold('gen-real')).claim };
    expect(() => settle(forged)).toThrow(/not taken by this ledger/);
    const ticket = await hold('gen-twice');
    settle(ticket);
    expect(() => settle(ticket)).toThrow(/settled already/);
    ledger.close();
  });
});

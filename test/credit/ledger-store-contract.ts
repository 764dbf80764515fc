/**
 * The ledger store's suite, run on SQLite and PostgreSQL: holds and releases as ledger entries,
 * idempotent settlement, releases that never exceed a stored hold, period spending, attempts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { AttemptRecord, HoldRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { BASE_TIME, ledgerEntry, newAccount, newApiKey, settlement } from '../store/store-fixtures.js';

const CREDIT = 1_000_000n;
const DAY = 86_400_000;

export function runLedgerStoreContract(dialect: string, openFreshStore: () => Promise<{ store: KyselyStore; dispose(): Promise<void> }>): void {
  describe(`LedgerStore (${dialect})`, () => {
    let store: KyselyStore;
    let dispose: () => Promise<void>;
    let accountId: string;
    let keyId: string;

    beforeEach(async () => {
      ({ store, dispose } = await openFreshStore());
      const account = await store.createAccount(newAccount());
      accountId = account.id;
      await store.appendLedgerEntry(ledgerEntry(accountId, CREDIT));
      keyId = (await store.createApiKey(newApiKey(accountId))).id;
    });
    afterEach(async () => {
      await dispose();
    });

    function hold(generationId: string, amount: bigint, overrides: Partial<HoldRecord> = {}): { hold: HoldRecord } {
      return {
        hold: {
          generationId,
          accountId,
          keyId,
          amount,
          instanceId: 'inst-a',
          model: 'gpt-4o-mini',
          endpoint: '/v1/chat/completions',
          stream: true,
          createdAt: BASE_TIME,
          ...overrides,
        },
      };
    }

    function settled(generationId: string, charge: bigint, held: bigint, extra: Partial<LedgerSettlement> = {}): LedgerSettlement {
      const base = settlement(accountId, charge, { id: generationId, keyId });
      return { ...base, heldAmount: held, ...extra };
    }

    async function balance(): Promise<bigint> {
      return (await store.findAccountById(accountId))!.balance;
    }

    async function kinds(generationId: string): Promise<string[]> {
      return (await store.ledger.listEntriesOfGeneration(generationId)).map((entry) => `${entry.kind}:${entry.amount}`).sort();
    }

    it('holds in one batch, releases and charges in a later one, and the balance is always the sum of entries', async () => {
      await store.settle([hold('gen-1', 500n)]);
      expect(await balance()).toBe(CREDIT - 500n);
      expect((await store.ledger.verify()).openHolds).toBe(1);
      expect(await store.ledger.listOpenHolds()).toEqual([hold('gen-1', 500n).hold]);

      expect(await store.settle([settled('gen-1', 120n, 500n)])).toBe(1);
      expect(await balance()).toBe(CREDIT - 120n);
      expect(await kinds('gen-1')).toEqual(['charge:-120', 'hold:-500', 'release:500']);
      expect(await store.ledger.verify()).toEqual({ discrepancies: [], openHolds: 0 });
    });

    it('takes no open-hold row when the hold and its settlement arrive in the same batch', async () => {
      await store.settle([hold('gen-2', 300n), settled('gen-2', 300n, 300n)]);
      expect(await balance()).toBe(CREDIT - 300n);
      expect(await store.ledger.listOpenHolds()).toEqual([]);
      expect(await kinds('gen-2')).toEqual(['charge:-300', 'hold:-300', 'release:300']);
    });

    it('settles the same request twice and replays its hold twice, but charges and holds once', async () => {
      const records = [hold('gen-3', 400n), settled('gen-3', 250n, 400n)];
      expect(await store.settle(records)).toBe(1);
      expect(await store.settle(records)).toBe(0);
      expect(await store.settle([records[1]!, records[1]!])).toBe(0);
      expect(await balance()).toBe(CREDIT - 250n);
      expect(await kinds('gen-3')).toEqual(['charge:-250', 'hold:-400', 'release:400']);
      expect((await store.ledger.verify()).discrepancies).toEqual([]);
    });

    it('never releases a hold that was not stored, so a lost hold line cannot create money', async () => {
      await store.settle([settled('gen-4', 100n, 900n)]);
      expect(await balance()).toBe(CREDIT - 100n);
      expect(await kinds('gen-4')).toEqual(['charge:-100']);
    });

    it('releases the amount stored with the hold, whatever the settlement claims', async () => {
      await store.settle([hold('gen-5', 200n)]);
      await store.settle([settled('gen-5', 50n, 999n)]);
      expect(await kinds('gen-5')).toEqual(['charge:-50', 'hold:-200', 'release:200']);
      expect(await balance()).toBe(CREDIT - 50n);
    });

    it('lets the reconciler release a hold once, and a late settlement still charges without a second release', async () => {
      await store.settle([hold('gen-6', 700n, { instanceId: 'inst-dead' }), hold('gen-7', 100n, { instanceId: 'inst-live' })]);
      expect((await store.ledger.listOpenHolds({ instanceIds: ['inst-dead'] })).map((item) => item.generationId)).toEqual(['gen-6']);
      expect(await store.ledger.listOpenHolds({ createdBefore: BASE_TIME })).toEqual([]);
      const released = await store.ledger.releaseHolds(['gen-6', 'gen-6', 'gen-unknown'], {
        note: 'test release',
        at: BASE_TIME + 5000,
        recordInterrupted: true,
      });
      expect(released).toBe(1);
      expect(await store.ledger.releaseHolds(['gen-6'], { note: 'again', at: BASE_TIME, recordInterrupted: true })).toBe(0);
      const interrupted = await store.findGeneration('gen-6');
      expect(interrupted).toMatchObject({ status: 'error', errorCode: 'interrupted', cost: 0n, latencyMs: 5000, keyId });
      expect(await balance()).toBe(CREDIT - 100n);

      await store.settle([settled('gen-7', 60n, 100n)]);
      expect(await balance()).toBe(CREDIT - 60n);
      expect((await store.ledger.verify()).openHolds).toBe(0);
      const entries = await store.ledger.listEntriesOfGeneration('gen-6');
      expect(entries.map((entry) => `${entry.kind}:${entry.note ?? ''}`).sort()).toEqual(['hold:', 'release:test release']);
    });

    it('counts charges toward the key spending of their budget period, resetting on a new period', async () => {
      const day1 = BASE_TIME - (BASE_TIME % DAY);
      const day2 = day1 + DAY;
      await store.settle([settled('gen-d1a', 100n, 0n, { budgetPeriodStart: day1 }), settled('gen-d1b', 20n, 0n, { budgetPeriodStart: day1 })]);
      expect((await store.ledger.readKeySpending([keyId])).get(keyId)).toEqual({ spent: 120n, periodSpent: 120n, periodStart: day1 });
      await store.settle([settled('gen-d2', 7n, 0n, { budgetPeriodStart: day2 })]);
      expect((await store.ledger.readKeySpending([keyId])).get(keyId)).toEqual({ spent: 127n, periodSpent: 7n, periodStart: day2 });
      // A late replay of the earlier day counts in the total only.
      await store.settle([settled('gen-d1c', 1000n, 0n, { budgetPeriodStart: day1 })]);
      expect((await store.ledger.readKeySpending([keyId])).get(keyId)).toEqual({ spent: 1127n, periodSpent: 7n, periodStart: day2 });
      // Two periods of one key in one batch: the later one wins the period count.
      await store.settle([settled('gen-d3', 5n, 0n, { budgetPeriodStart: day2 + DAY }), settled('gen-d2b', 3n, 0n, { budgetPeriodStart: day2 })]);
      expect((await store.ledger.readKeySpending([keyId])).get(keyId)).toEqual({ spent: 1135n, periodSpent: 5n, periodStart: day2 + DAY });
      expect((await store.findApiKeyByHash((await store.listApiKeys(accountId))[0]!.hash))?.spent).toBe(1135n);
    });

    it('stores the attempts of a generation and reads balances in bulk', async () => {
      const attempts: AttemptRecord[] = [
        { attempt: 1, channel: 'primary', provider: 'openai', model: 'gpt-4o-mini', status: 'error', upstreamStatus: 500, errorCode: 'upstream_error', errorMessage: 'x'.repeat(900), latencyMs: 12, startedAt: BASE_TIME },
        { attempt: 2, channel: 'backup', provider: 'openai', model: 'gpt-4o-mini', status: 'success', upstreamStatus: null, errorCode: null, errorMessage: null, latencyMs: 40, startedAt: BASE_TIME + 12 },
      ];
      await store.settle([settled('gen-a', 10n, 0n, { attemptLog: attempts })]);
      const stored = await store.ledger.listAttempts('gen-a');
      expect(stored).toHaveLength(2);
      expect(stored[0]!.errorMessage).toHaveLength(500);
      expect(stored[1]).toEqual(attempts[1]);
      const balances = await store.ledger.readBalances([accountId, 'missing', accountId]);
      expect([...balances.entries()]).toEqual([[accountId, CREDIT - 10n]]);
    });

    it('refuses malformed amounts and rolls the whole batch back', async () => {
      await expect(store.settle([hold('gen-bad', 0n)])).rejects.toBeInstanceOf(RangeError);
      await expect(store.settle([hold('gen-ok', 5n), settled('gen-neg', -1n, 0n)])).rejects.toBeInstanceOf(RangeError);
      expect(await balance()).toBe(CREDIT);
      expect(await store.ledger.listOpenHolds()).toEqual([]);
    });
  });
}

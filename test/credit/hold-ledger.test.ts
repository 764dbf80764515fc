/**
 * The credit path without HTTP: the hold ledger over in-memory reservations, a real settlement
 * writer and journal, and a real store (SQLite, and PostgreSQL when available).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../src/accounts/api-key-authenticator.js';
import { HoldLedger, type HoldTicket } from '../../src/credit/hold-ledger.js';
import { InMemoryCreditReservations } from '../../src/credit/in-memory-credit-reservations.js';
import { isGatewayError } from '../../src/core/index.js';
import { SettlementJournal } from '../../src/metering/settlement-journal.js';
import { SettlementWriter } from '../../src/metering/settlement-writer.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openPostgresDatabase, openSqliteDatabase } from '../../src/store/open-store.js';
import type { BudgetPeriod } from '../../src/store/store.js';
import { postgresForTest } from '../support/postgres.js';
import { ledgerEntry, newAccount, newApiKey, settlement } from '../store/store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-hold-ledger-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const probe = await postgresForTest();
afterAll(async () => {
  await probe?.drop();
});

/** A small deterministic generator, so a failing sequence can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function runHoldLedgerSuite(dialect: string, openStore: () => Promise<{ store: KyselyStore; dispose(): Promise<void> }>): void {
  describe(`hold ledger over in-memory reservations (${dialect})`, () => {
    let store: KyselyStore;
    let dispose: () => Promise<void>;
    let writer: SettlementWriter;
    let reservations: InMemoryCreditReservations;
    let ledger: HoldLedger;
    let clock: number;

    beforeEach(async () => {
      ({ store, dispose } = await openStore());
      clock = Date.parse('2026-03-05T23:00:00Z');
      // A long flush interval: each test flushes when it wants the store to catch up.
      writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: path.join(scratch, randomUUID()) }), flushIntervalMs: 60_000 });
      await writer.start();
      reservations = new InMemoryCreditReservations({ store: store.ledger, whenIdle: (task) => writer.whenIdle(task), now: () => clock });
      writer.addStoredListener((records) => reservations.stored(records));
      ledger = new HoldLedger({ journal: writer, reservations, instanceId: 'inst-test', now: () => clock });
    });
    afterEach(async () => {
      await writer.close();
      await reservations.close();
      await dispose();
    });

    async function callerWith(credit: bigint, budget: bigint | null = null, budgetPeriod: BudgetPeriod = 'total'): Promise<Caller> {
      const account = await store.createAccount(newAccount());
      if (credit > 0n) await store.appendLedgerEntry(ledgerEntry(account.id, credit));
      const key = await store.createApiKey({ ...newApiKey(account.id, { budget }), budgetPeriod });
      return { account: (await store.findAccountById(account.id))!, key };
    }

    function request(caller: Caller, amount: bigint) {
      return { caller, generationId: `gen-${randomUUID()}`, endpoint: '/v1/chat/completions', model: 'gpt-4o-mini', stream: false, amount };
    }

    function settle(caller: Caller, ticket: HoldTicket, charge: bigint): void {
      ledger.settle(settlement(caller.account.id, charge, { id: ticket.generationId, keyId: caller.key.id }), ticket);
    }

    async function refusal(promise: Promise<unknown>): Promise<string> {
      try {
        await promise;
      } catch (error) {
        if (isGatewayError(error)) return `${error.status} ${error.code}: ${error.message}`;
        throw error;
      }
      return 'accepted';
    }

    it('lets 100 concurrent holds take no more than the credit: 10 of 1,000 units fit in 10,500', async () => {
      const caller = await callerWith(10_500n);
      const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => ledger.hold(request(caller, 1000n))));
      const tickets = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
      expect(tickets).toHaveLength(10);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(isGatewayError(outcome.reason) && outcome.reason.code).toBe('insufficient_credit');
      }
      for (const ticket of tickets) settle(caller, ticket, 700n);
      await writer.flush();
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(10_500n - 7000n);
      expect(await store.ledger.verify()).toEqual({ discrepancies: [], openHolds: 0 });
      // What the settled requests gave back is available again: 3,500 covers 3 more.
      const more = await Promise.allSettled(Array.from({ length: 5 }, () => ledger.hold(request(caller, 1000n))));
      expect(more.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    });

    it('stores a hold only for a request that outlives the journaling delay', async () => {
      const caller = await callerWith(10_000n);
      const quick = (await ledger.hold(request(caller, 1000n)))!;
      settle(caller, quick, 400n);
      const slow = (await ledger.hold(request(caller, 1000n)))!;
      clock += 150;
      ledger.journalWaitingHolds();
      await writer.flush();
      // The slow request's hold is in the store while it runs; the quick one left only its charge.
      expect(await store.ledger.verify()).toEqual({ discrepancies: [], openHolds: 1 });
      expect((await store.ledger.listEntriesOfGeneration(quick.generationId)).map((entry) => entry.kind)).toEqual(['charge']);
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(10_000n - 400n - 1000n);
      settle(caller, slow, 300n);
      await writer.flush();
      expect((await store.ledger.listEntriesOfGeneration(slow.generationId)).map((entry) => entry.kind).sort()).toEqual(['charge', 'hold', 'release']);
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(10_000n - 700n);
      expect(await store.ledger.verify()).toEqual({ discrepancies: [], openHolds: 0 });
      // Available credit stayed exact throughout: 9,300 covers 9 holds of 1,000.
      const more = await Promise.allSettled(Array.from({ length: 12 }, () => ledger.hold(request(caller, 1000n))));
      expect(more.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(9);
    });

    it('never lets holds and charges together pass the credit, through random holds, settlements and flushes', async () => {
      const credit = 50_000n;
      const caller = await callerWith(credit);
      const random = seededRandom(20_261_105);
      const open: HoldTicket[] = [];
      let charged = 0n;
      for (let step = 0; step < 400; step += 1) {
        const choice = random();
        if (choice < 0.5) {
          const amount = BigInt(1 + Math.floor(random() * 3000));
          const ticket = await ledger.hold(request(caller, amount)).catch(() => null);
          if (ticket) open.push(ticket);
        } else if (choice < 0.9 && open.length > 0) {
          const ticket = open.splice(Math.floor(random() * open.length), 1)[0]!;
          const charge = BigInt(Math.floor(random() * Number(ticket.amount + 1n)));
          settle(caller, ticket, charge);
          charged += charge;
        } else {
          await writer.flush();
        }
        const held = open.reduce((sum, ticket) => sum + ticket.amount, 0n);
        expect(held + charged).toBeLessThanOrEqual(credit);
      }
      for (const ticket of open.splice(0)) settle(caller, ticket, 0n);
      await writer.flush();
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(credit - charged);
      expect((await store.ledger.verify()).openHolds).toBe(0);
      // The cache agrees with the store to the unit: exactly the rest can be held, not one unit more.
      const rest = credit - charged;
      expect(await refusal(ledger.hold(request(caller, rest + 1n)))).toMatch(/^402 insufficient_credit/);
      expect(await ledger.hold(request(caller, rest))).not.toBeNull();
    });

    it('charges an overrun beyond the hold and then refuses until credit is added', async () => {
      const caller = await callerWith(1000n);
      const ticket = (await ledger.hold(request(caller, 600n)))!;
      settle(caller, ticket, 1500n);
      expect(await refusal(ledger.hold(request(caller, 1n)))).toMatch(/^402 insufficient_credit: Your credit does not cover/);
      await writer.flush();
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(-500n);
      // A top-up made elsewhere (another process, the CLI) shows after the next refresh.
      await store.appendLedgerEntry(ledgerEntry(caller.account.id, 2000n));
      await reservations.refresh();
      expect(await ledger.hold(request(caller, 1500n))).not.toBeNull();
      expect(await refusal(ledger.hold(request(caller, 1n)))).toMatch(/^402/);
    });

    it('refuses a second settlement of the same hold', async () => {
      const caller = await callerWith(1000n);
      const ticket = (await ledger.hold(request(caller, 100n)))!;
      settle(caller, ticket, 10n);
      expect(() => settle(caller, ticket, 10n)).toThrow(/settled already/);
      await writer.flush();
      expect((await store.findAccountById(caller.account.id))!.balance).toBe(990n);
    });

    it('holds nothing for a free request, even on an exhausted account', async () => {
      const caller = await callerWith(0n);
      expect(await ledger.hold(request(caller, 0n))).toBeNull();
    });

    it("enforces a key's total budget beside the account's credit", async () => {
      const caller = await callerWith(1_000_000n, 1000n);
      const first = (await ledger.hold(request(caller, 600n)))!;
      expect(await refusal(ledger.hold(request(caller, 500n)))).toMatch(/^402 insufficient_credit: This API key's budget does not cover/);
      settle(caller, first, 600n);
      await writer.flush();
      expect(await ledger.hold(request(caller, 400n))).not.toBeNull();
      expect(await refusal(ledger.hold(request(caller, 1n)))).toMatch(/budget/);
    });

    it('resets a daily budget at midnight UTC, with a controllable clock', async () => {
      const caller = await callerWith(1_000_000n, 1000n, 'day');
      const tickets = [(await ledger.hold(request(caller, 400n)))!, (await ledger.hold(request(caller, 400n)))!];
      const refused = await refusal(ledger.hold(request(caller, 400n)));
      expect(refused).toMatch(/daily budget does not cover .* It resets at 2026-03-06T00:00:00.000Z\.$/);
      for (const ticket of tickets) settle(caller, ticket, 400n);
      await writer.flush();
      expect(await refusal(ledger.hold(request(caller, 201n)))).toMatch(/daily budget/);
      expect(await ledger.hold(request(caller, 200n))).not.toBeNull();

      clock = Date.parse('2026-03-06T00:00:01Z');
      const nextDay = [(await ledger.hold(request(caller, 500n)))!, (await ledger.hold(request(caller, 500n)))!];
      expect(await refusal(ledger.hold(request(caller, 1n)))).toMatch(/daily budget/);
      for (const ticket of nextDay) settle(caller, ticket, 300n);
      await writer.flush();
      const spending = (await store.ledger.readKeySpending([caller.key.id])).get(caller.key.id)!;
      expect(spending).toEqual({ spent: 1400n, periodSpent: 600n, periodStart: Date.parse('2026-03-06T00:00:00Z') });
      // A fresh process (no cached state) reads the same: 400 of today's 1,000 are left.
      const fresh = new InMemoryCreditReservations({ store: store.ledger, whenIdle: (task) => writer.whenIdle(task), now: () => clock });
      const freshLedger = new HoldLedger({ journal: writer, reservations: fresh, instanceId: 'inst-fresh', now: () => clock });
      expect(await refusal(freshLedger.hold(request(caller, 401n)))).toMatch(/daily budget/);
      expect(await freshLedger.hold(request(caller, 400n))).not.toBeNull();
    });
  });
}

runHoldLedgerSuite('sqlite', async () => {
  const store = new KyselyStore(openSqliteDatabase(path.join(scratch, `${randomUUID()}.db`)), 'sqlite');
  await store.migrate();
  return { store, dispose: () => store.close() };
});

describe.skipIf(probe === null)('on PostgreSQL', () => {
  runHoldLedgerSuite('postgres', async () => {
    const database = await postgresForTest();
    if (!database) throw new Error('PostgreSQL went away during the run');
    const store = new KyselyStore(openPostgresDatabase(database.url), 'postgres');
    await store.migrate();
    return {
      store,
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });
});

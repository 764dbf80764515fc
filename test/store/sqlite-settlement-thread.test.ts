/**
 * The built gateway stores SQLite settlement batches on a worker thread (the thread runs the
 * compiled worker script, so this test loads the store from `dist/`, which `npm test` builds
 * first). Batches written there are visible to the main connection at once, a generation settled
 * twice is charged once, and a failing batch rejects without stopping the thread. A batch whose
 * every record comes with its journal line crosses as those lines and stores what the objects do.
 * The credit snapshots' reads of balances and key spending are answered there too, after the
 * batches posted before them, without a query on the main connection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeJournalLines } from '../../src/metering/journal-line-bytes.js';
import { encodeSettlementLine } from '../../src/metering/settlement-line.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { HoldRecord, LedgerRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { BASE_TIME, generation, newAccount, newApiKey, settlement } from './store-fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-settlement-thread-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const builtModule = (file: string) => import(pathToFileURL(path.join(root, 'dist/store', file)).href);
const { openStore } = (await builtModule('open-store.js')) as { openStore(options: { dataDir: string; onQuery?: () => void }): Promise<KyselyStore> };
const { settlementThreadsStarted, settlementBatchesPostedAsLines } = (await builtModule('sqlite-settlement-thread.js')) as {
  settlementThreadsStarted(): number;
  settlementBatchesPostedAsLines(): number;
};

async function openBuiltStore(dataDir: string): Promise<KyselyStore> {
  return openStore({ dataDir });
}

const ACCOUNT_ID = 'acct-lines';
/** Past 2^53, where a JSON number would lose the last digits. */
const LARGE = 2n ** 60n + 12_345n;

function hold(generationId: string, amount: bigint): HoldRecord {
  return { generationId, accountId: ACCOUNT_ID, keyId: null, amount, instanceId: 'inst-1', model: 'gpt-4o-mini', endpoint: '/v1/chat/completions', stream: true, createdAt: BASE_TIME };
}

/** Holds (one released, one left open), a settlement with its attempts, and a plain one. */
function mixedBatch(): LedgerRecord[] {
  const released: LedgerSettlement = {
    generation: generation(ACCOUNT_ID, { id: 'gen-held', cost: 2n ** 55n + 3n }),
    charge: 2n ** 55n + 3n,
    heldAmount: LARGE,
    budgetPeriodStart: BASE_TIME - 86_400_000,
    attemptLog: [
      { attempt: 1, channel: 'openai-main', provider: 'openai', model: 'gpt-4o-mini', status: 'error', upstreamStatus: 502, errorCode: 'upstream_error', errorMessage: 'bad gateway', latencyMs: 40, startedAt: BASE_TIME },
      { attempt: 2, channel: 'openai-backup', provider: 'openai', model: 'gpt-4o-mini', status: 'success', upstreamStatus: 200, errorCode: null, errorMessage: null, latencyMs: 90, startedAt: BASE_TIME + 40 },
    ],
  };
  return [{ hold: hold('gen-held', LARGE) }, released, { hold: hold('gen-open', 2n ** 54n + 1n) }, settlement(ACCOUNT_ID, LARGE * 3n, { id: 'gen-plain' })];
}

/** What a batch left in the database, without the entries' random ids. */
async function storedState(store: KyselyStore) {
  const entries = async (generationId: string) =>
    (await store.ledger.listEntriesOfGeneration(generationId)).map(({ id: _id, ...entry }) => entry);
  return {
    balance: (await store.findAccountById(ACCOUNT_ID))!.balance,
    generations: await Promise.all(['gen-held', 'gen-plain'].map((id) => store.findGeneration(id))),
    entries: await Promise.all(['gen-held', 'gen-open', 'gen-plain'].map(entries)),
    attempts: await store.ledger.listAttempts('gen-held'),
    openHolds: await store.ledger.listOpenHolds(),
  };
}

async function settledState(dataDir: string, settle: (store: KyselyStore, records: LedgerRecord[]) => Promise<number>) {
  const store = await openBuiltStore(path.join(scratch, dataDir));
  try {
    await store.migrate();
    await store.createAccount(newAccount({ id: ACCOUNT_ID }));
    expect(await settle(store, mixedBatch())).toBe(2);
    expect((await store.ledger.verify()).discrepancies).toEqual([]);
    return await storedState(store);
  } finally {
    await store.close();
  }
}

describe('SQLite settlements on a worker thread', () => {
  it('stores batches the main connection then reads, once per generation', async () => {
    const store = await openBuiltStore(path.join(scratch, 'one'));
    try {
      await store.migrate();
      const account = await store.createAccount(newAccount());
      const records = Array.from({ length: 137 }, (_, index) => settlement(account.id, 1_000n + BigInt(index)));
      const threadsBefore = settlementThreadsStarted();
      expect(await store.settle(records)).toBe(137);
      expect(settlementThreadsStarted()).toBe(threadsBefore + 1);
      // Again, with three new ones among them: only the new ones count and charge.
      const more = Array.from({ length: 3 }, () => settlement(account.id, 5n));
      expect(await store.settle([...records.slice(0, 50), ...more])).toBe(3);
      const charged = records.reduce((sum, record) => sum + record.charge, 0n) + 15n;
      expect((await store.findAccountById(account.id))!.balance).toBe(-charged);
      expect(await store.listGenerations(account.id, 500)).toHaveLength(140);
      expect((await store.ledger.verify()).discrepancies).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('rejects a failing batch with the database error and keeps storing the next ones', async () => {
    const store = await openBuiltStore(path.join(scratch, 'two'));
    try {
      await store.migrate();
      const account = await store.createAccount(newAccount());
      // No such account: the foreign key refuses the whole batch.
      await expect(store.settle([settlement('acct_missing', 10n), settlement(account.id, 10n)])).rejects.toThrow(/FOREIGN KEY/);
      expect(await store.settle([settlement(account.id, 10n)])).toBe(1);
      expect((await store.findAccountById(account.id))!.balance).toBe(-10n);
    } finally {
      await store.close();
    }
  });
});

/** Lines as the settlement writer hands them to the store: UTF-8, back to back, in memory of their own. */
function journalLinesOf(lines: string[]): Uint8Array {
  return new Uint8Array(encodeJournalLines(lines).bytes);
}

describe('SQLite settlement batches as journal lines', () => {
  it('posts a batch as lines when every record has one, and stores exactly what the objects store', async () => {
    const postedBefore = settlementBatchesPostedAsLines();
    const fromObjects = await settledState('as-objects', (store, records) => store.settle(records));
    expect(settlementBatchesPostedAsLines()).toBe(postedBefore);
    let posted: Uint8Array | undefined;
    const fromLines = await settledState('as-lines', (store, records) => {
      posted = journalLinesOf(records.map((record) => encodeSettlementLine(record)));
      return store.settle(records, posted);
    });
    expect(settlementBatchesPostedAsLines()).toBe(postedBefore + 1);
    // The bytes' memory moved to the thread rather than being copied.
    expect(posted!.byteLength).toBe(0);

    expect(fromLines).toEqual(fromObjects);
    // The amounts past 2^53 arrived exact: the open hold, and the balance.
    expect(fromLines.openHolds).toEqual([hold('gen-open', 2n ** 54n + 1n)]);
    expect(fromLines.balance).toBe(-(2n ** 55n + 3n) - LARGE * 3n - (2n ** 54n + 1n));
    expect(fromLines.attempts).toHaveLength(2);
  });

  it('stores a batch given fewer lines than records by sending it again as objects', async () => {
    const fromObjects = await settledState('as-objects-for-missing-line', (store, records) => store.settle(records));
    const state = await settledState('one-line-missing', (store, records) =>
      store.settle(records, journalLinesOf(records.slice(1).map((record) => encodeSettlementLine(record)))),
    );
    expect(state).toEqual(fromObjects);
  });

  it('stores a batch whose lines the thread cannot decode by sending it again as objects', async () => {
    const fromObjects = await settledState('as-objects-again', (store, records) => store.settle(records));
    const fromDamagedLines = await settledState('damaged-lines', (store, records) =>
      store.settle(records, journalLinesOf(records.map((record, index) => (index === 2 ? '{"v":2,"hold":{}}\n' : encodeSettlementLine(record))))),
    );
    expect(fromDamagedLines).toEqual(fromObjects);
  });
});

describe('credit snapshot reads on the settlement thread', () => {
  it('answers balances and key spending there, after the batches posted before, with no query on the main connection', async () => {
    let mainQueries = 0;
    const store = await openStore({ dataDir: path.join(scratch, 'snapshot-reads'), onQuery: () => (mainQueries += 1) });
    try {
      await store.migrate();
      const accounts = await Promise.all(Array.from({ length: 3 }, () => store.createAccount(newAccount())));
      const key = await store.createApiKey(newApiKey(accounts[0]!.id));
      const charged = (accountIndex: number, charge: bigint) => settlement(accounts[accountIndex]!.id, charge, { keyId: key.id });
      const threadsBefore = settlementThreadsStarted();
      const queriesBefore = mainQueries;

      // Not awaited: the reads are posted behind the batch and must see it.
      const storing = store.settle([charged(0, 700n), charged(0, 300n), settlement(accounts[1]!.id, 50n)]);
      const balances = await store.snapshotReads.readBalances([...accounts.map((account) => account.id), 'acct_unknown']);
      const spending = await store.snapshotReads.readKeySpending([key.id, 'key_unknown']);
      expect(await storing).toBe(3);

      expect(mainQueries).toBe(queriesBefore);
      expect(settlementThreadsStarted()).toBe(threadsBefore + 1);
      expect(balances).toEqual(new Map([[accounts[0]!.id, -1_000n], [accounts[1]!.id, -50n], [accounts[2]!.id, 0n]]));
      expect([...spending.keys()]).toEqual([key.id]);
      expect(spending.get(key.id)!.spent).toBe(1_000n);
      // What the main connection reads is the same.
      expect(await store.ledger.readBalances(accounts.map((account) => account.id))).toEqual(balances);
      expect(await store.ledger.readKeySpending([key.id])).toEqual(spending);
    } finally {
      await store.close();
    }
  });
});

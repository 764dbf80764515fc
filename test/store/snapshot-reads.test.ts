/**
 * `KyselyStore.snapshotReads`: the credit snapshots' reads go to the batch writer (the SQLite
 * settlement thread) when the store has one, and to the store's own connection when it has none
 * or when the writer cannot answer. The thread itself is tested in `sqlite-settlement-thread.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KyselyStore } from '../../src/store/kysely-store.js';
import type { StoredKeySpending } from '../../src/store/ledger-store.js';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import type { LedgerBatchWriter } from '../../src/store/sqlite-settlement-thread.js';
import { newAccount, newApiKey, settlement } from './store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-snapshot-reads-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A writer that answers reads with fixed values, or fails them; it never stores. */
function fakeWriter(reads: { balances?: Map<string, bigint>; spending?: Map<string, StoredKeySpending> } | 'failing') {
  const asked: string[][] = [];
  const answer = <T>(value: T | undefined) => (reads === 'failing' || value === undefined ? Promise.reject(new Error('the SQLite settlement thread exited (code 1)')) : Promise.resolve(value));
  const writer: LedgerBatchWriter = {
    settle: () => Promise.reject(new Error('not in this test')),
    close: () => Promise.resolve(),
    readBalances: (ids) => {
      asked.push([...ids]);
      return answer(reads === 'failing' ? undefined : reads.balances);
    },
    readKeySpending: (ids) => {
      asked.push([...ids]);
      return answer(reads === 'failing' ? undefined : reads.spending);
    },
  };
  return { writer, asked };
}

let counter = 0;
async function storeWith(writer: LedgerBatchWriter | null) {
  counter += 1;
  const store = new KyselyStore(openSqliteDatabase(path.join(scratch, `store-${counter}.db`)), 'sqlite', () => writer);
  await store.migrate();
  const account = await store.createAccount(newAccount());
  const key = await store.createApiKey(newApiKey(account.id));
  // Through the store's own connection: the fake writer never stores.
  await store.ledger.settle([settlement(account.id, 250n, { keyId: key.id })]);
  return { store, account, key };
}

describe('KyselyStore.snapshotReads', () => {
  it('answers from the batch writer when the store has one', async () => {
    const balances = new Map([['acct_on_thread', 42n]]);
    const spending = new Map([['key_on_thread', { spent: 7n, periodSpent: 0n, periodStart: 0 }]]);
    const { writer, asked } = fakeWriter({ balances, spending });
    const { store, account, key } = await storeWith(writer);
    try {
      expect(await store.snapshotReads.readBalances([account.id])).toBe(balances);
      expect(await store.snapshotReads.readKeySpending([key.id])).toBe(spending);
      expect(asked).toEqual([[account.id], [key.id]]);
    } finally {
      await store.close();
    }
  });

  it("reads on the store's own connection when the writer cannot answer", async () => {
    const { writer, asked } = fakeWriter('failing');
    const { store, account, key } = await storeWith(writer);
    try {
      expect(await store.snapshotReads.readBalances([account.id])).toEqual(new Map([[account.id, -250n]]));
      expect((await store.snapshotReads.readKeySpending([key.id])).get(key.id)?.spent).toBe(250n);
      expect(asked).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it("reads on the store's own connection without a writer", async () => {
    const { store, account } = await storeWith(null);
    try {
      expect(await store.snapshotReads.readBalances([account.id])).toEqual(new Map([[account.id, -250n]]));
    } finally {
      await store.close();
    }
  });
});

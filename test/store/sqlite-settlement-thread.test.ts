/**
 * The built gateway stores SQLite settlement batches on a worker thread (the thread runs the
 * compiled worker script, so this test loads the store from `dist/`, which `npm test` builds
 * first). Batches written there are visible to the main connection at once, a generation settled
 * twice is charged once, and a failing batch rejects without stopping the thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { newAccount, settlement } from './store-fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-settlement-thread-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const builtModule = (file: string) => import(pathToFileURL(path.join(root, 'dist/store', file)).href);
const { openStore } = (await builtModule('open-store.js')) as { openStore(options: { dataDir: string }): Promise<KyselyStore> };
const { settlementThreadsStarted } = (await builtModule('sqlite-settlement-thread.js')) as { settlementThreadsStarted(): number };

async function openBuiltStore(dataDir: string): Promise<KyselyStore> {
  return openStore({ dataDir });
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

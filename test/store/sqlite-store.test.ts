import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openSqliteDatabase, openStore } from '../../src/store/open-store.js';
import { newAccount } from './store-fixtures.js';
import { runStoreContract } from './store-contract.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-sqlite-store-'));
let counter = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

runStoreContract('sqlite', async () => {
  counter += 1;
  const db = openSqliteDatabase(path.join(scratch, `contract-${counter}`, 'store.db'));
  const store = new KyselyStore(db, 'sqlite');
  await store.migrate();
  return {
    store,
    async setBalance(accountId, balance) {
      await db.updateTable('accounts').set({ balance }).where('id', '=', accountId).execute();
    },
    dispose: () => store.close(),
  };
});

describe('SQLite connection settings', () => {
  it('opens with WAL, FULL sync, a busy timeout, foreign keys on and temporary files in memory', async () => {
    const db = openSqliteDatabase(path.join(scratch, 'pragmas', 'store.db'));
    try {
      const read = async (pragma: string) =>
        Object.values((await sql.raw<Record<string, unknown>>(`pragma ${pragma}`).execute(db)).rows[0] ?? {})[0];
      expect(await read('journal_mode')).toBe('wal');
      expect(await read('synchronous')).toBe(2n);
      expect(await read('busy_timeout')).toBe(5000n);
      expect(await read('foreign_keys')).toBe(1n);
      expect(await read('temp_store')).toBe(2n);
    } finally {
      await db.destroy();
    }
  });
});

describe('openStore with SQLite', () => {
  it('defaults to switchyard.db in the data dir', async () => {
    const dataDir = path.join(scratch, 'default-data');
    const store = await openStore({ dataDir });
    try {
      expect(store.dialect).toBe('sqlite');
      await store.migrate();
      await store.createAccount(newAccount());
      expect(existsSync(path.join(dataDir, 'switchyard.db'))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('opens sqlite:PATH, creating missing parent folders, and keeps data across openings', async () => {
    const file = path.join(scratch, 'nested', 'deeper', 'custom.db');
    const account = newAccount();
    const first = await openStore({ databaseUrl: `sqlite:${file}`, dataDir: path.join(scratch, 'unused') });
    try {
      expect(first.dialect).toBe('sqlite');
      await first.migrate();
      await first.createAccount(account);
    } finally {
      await first.close();
    }
    expect(existsSync(file)).toBe(true);
    expect(existsSync(path.join(scratch, 'unused'))).toBe(false);

    const second = await openStore({ databaseUrl: `sqlite:${file}`, dataDir: scratch });
    try {
      await second.migrate();
      expect((await second.findAccountById(account.id))?.email).toBe(account.email);
    } finally {
      await second.close();
    }
  });

  it('refuses a URL of another kind', async () => {
    await expect(openStore({ databaseUrl: 'mysql://root:secret@localhost/db', dataDir: scratch })).rejects.toThrow(
      /postgres:\/\/.*sqlite:.*got mysql:/,
    );
  });
});

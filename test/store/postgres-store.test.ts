import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openPostgresDatabase, openStore } from '../../src/store/open-store.js';
import { postgresForTest } from '../support/postgres.js';
import { newAccount } from './store-fixtures.js';
import { runStoreContract } from './store-contract.js';

// Probes the server once for the whole file: null (with a warning) skips, and CI=true throws instead.
const probe = await postgresForTest();
afterAll(async () => {
  await probe?.drop();
});

describe.skipIf(probe === null)('PostgreSQL store', () => {
  runStoreContract('postgres', async () => {
    const database = await postgresForTest();
    if (!database) throw new Error('PostgreSQL went away during the run');
    const db = openPostgresDatabase(database.url);
    const store = new KyselyStore(db, 'postgres');
    await store.migrate();
    return {
      store,
      async setBalance(accountId, balance) {
        await db.updateTable('accounts').set({ balance }).where('id', '=', accountId).execute();
      },
      async dispose() {
        await store.close();
        await database.drop();
      },
    };
  });

  it('openStore chooses PostgreSQL for postgres:// and postgresql:// URLs', async () => {
    const url = probe!.url;
    for (const databaseUrl of [url, url.replace(/^postgres:/, 'postgresql:')]) {
      const store = await openStore({ databaseUrl, dataDir: 'never-created' });
      try {
        expect(store.dialect).toBe('postgres');
        await store.migrate();
        await store.migrate();
        await store.createAccount(newAccount());
        expect(await store.countAccounts()).toBeGreaterThan(0);
      } finally {
        await store.close();
      }
    }
  });

  it('keeps its tables in the schema the URL selects', async () => {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: probe!.url }) }),
    });
    try {
      const { rows } = await sql<{ table_schema: string }>`
        select table_schema from information_schema.tables where table_name = 'accounts' and table_schema = ${probe!.schema}
      `.execute(db);
      expect(rows).toHaveLength(1);
    } finally {
      await db.destroy();
    }
  });

  it('stores money columns as bigint and flags as integer', async () => {
    const db = openPostgresDatabase(probe!.url);
    try {
      const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
        select table_name, column_name, data_type from information_schema.columns
        where table_schema = ${probe!.schema} and column_name in ('balance', 'amount', 'spent', 'cost', 'disabled')
        order by table_name, column_name
      `.execute(db);
      expect(rows.map((row) => `${row.table_name}.${row.column_name}:${row.data_type}`)).toEqual([
        'accounts.balance:bigint',
        'accounts.disabled:integer',
        'api_keys.spent:bigint',
        'generations.cost:bigint',
        'ledger_entries.amount:bigint',
        'open_holds.amount:bigint',
        'redemption_codes.amount:bigint',
        'redemption_codes.disabled:integer',
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('keeps the per-account time indexes ascending', async () => {
    const db = openPostgresDatabase(probe!.url);
    try {
      const { rows } = await sql<{ indexname: string; indexdef: string }>`
        select indexname, indexdef from pg_indexes
        where schemaname = ${probe!.schema} and indexname like '%account%created'
        order by indexname
      `.execute(db);
      expect(rows.map((row) => row.indexname)).toEqual([
        'generations_account_created',
        'generations_account_key_created',
        'generations_account_model_created',
        'ledger_entries_account_created',
      ]);
      for (const row of rows) {
        expect(row.indexdef).toMatch(/created_at\)$/);
        expect(row.indexdef).not.toMatch(/DESC/i);
      }
    } finally {
      await db.destroy();
    }
  });
});

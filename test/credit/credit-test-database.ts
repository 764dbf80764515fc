/**
 * The databases the credit and reporting tests run on: SQLite always, PostgreSQL when reachable
 * (CI=true requires it; elsewhere it is skipped with a warning, see `test/support/postgres.ts`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database-schema.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openPostgresDatabase, openSqliteDatabase } from '../../src/store/open-store.js';
import { postgresForTest } from '../support/postgres.js';

export interface TestDatabase {
  store: KyselyStore;
  db: Kysely<Database>;
  dispose(): Promise<void>;
}

export interface DatabaseEngine {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestDatabase>;
}

let sqliteCounter = 0;

const sqliteEngine: DatabaseEngine = {
  name: 'sqlite',
  async open() {
    const folder = mkdtempSync(path.join(tmpdir(), 'switchyard-credit-'));
    sqliteCounter += 1;
    const db = openSqliteDatabase(path.join(folder, `credit-${sqliteCounter}.db`));
    const store = new KyselyStore(db, 'sqlite');
    await store.migrate();
    return {
      store,
      db,
      async dispose() {
        await store.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
};

const postgresEngine: DatabaseEngine = {
  name: 'postgres',
  async open() {
    const schema = await postgresForTest();
    if (!schema) throw new Error('PostgreSQL went away during the run');
    const db = openPostgresDatabase(schema.url);
    const store = new KyselyStore(db, 'postgres');
    await store.migrate();
    return {
      store,
      db,
      async dispose() {
        await store.close();
        await schema.drop();
      },
    };
  },
};

/** SQLite, and PostgreSQL when it answers (probed once per test file). */
export async function databaseEngines(): Promise<DatabaseEngine[]> {
  const probe = await postgresForTest();
  if (!probe) return [sqliteEngine];
  await probe.drop();
  return [sqliteEngine, postgresEngine];
}

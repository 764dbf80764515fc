/** Fresh migrated stores for these tests: a SQLite file each, or one PostgreSQL schema per test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openPostgresDatabase, openSqliteDatabase } from '../../src/store/open-store.js';
import { postgresForTest } from '../support/postgres.js';

export interface TestStoreFactory {
  name: string;
  /** A migrated store with no accounts (nor anything that refers to one). */
  open(): Promise<KyselyStore>;
  /** Removes what `open` created. */
  cleanUp(): Promise<void>;
}

export function sqliteStores(): TestStoreFactory {
  const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-accounts-'));
  let counter = 0;
  return {
    name: 'SQLite',
    async open() {
      counter += 1;
      const store = new KyselyStore(openSqliteDatabase(path.join(scratch, `store-${counter}.db`)), 'sqlite');
      await store.migrate();
      return store;
    },
    async cleanUp() {
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * Null (after a warning) when PostgreSQL is not reachable outside CI; throws in CI. The schema is
 * migrated once and emptied before each later `open`, since creating and dropping a schema per
 * test slows every concurrent test file down.
 */
export async function postgresStores(): Promise<TestStoreFactory | null> {
  const database = await postgresForTest();
  if (!database) return null;
  let migrated = false;
  return {
    name: 'PostgreSQL',
    async open() {
      const store = new KyselyStore(openPostgresDatabase(database.url), 'postgres');
      try {
        if (migrated) {
          await sql`truncate table accounts cascade`.execute(store.database);
        } else {
          await migrateDespiteConcurrentSchemaDrops(store);
          migrated = true;
        }
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    },
    cleanUp: () => database.drop(),
  };
}

/** SQLSTATEs of a catalog object that vanished while being read: invalid schema, undefined column or table. */
const VANISHED_OBJECT_CODES = new Set(['3F000', '42703', '42P01']);

/**
 * Kysely's migrator reads the table list of every schema in the database; when another test file
 * drops its schema during that read, PostgreSQL reports the vanished object. The migration runs in
 * one transaction, so trying again is safe.
 */
async function migrateDespiteConcurrentSchemaDrops(store: KyselyStore): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.migrate();
      return;
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      if (attempt >= 5 || typeof code !== 'string' || !VANISHED_OBJECT_CODES.has(code)) throw error;
    }
  }
}

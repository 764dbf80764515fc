/** A fresh SQLite store file for tests that migrate step by step. */
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/database-schema.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openSqliteDatabase } from '../../src/store/open-store.js';

/** Opens `<scratch>/<folder>/store.db` unmigrated, runs `use`, and closes the store after it. */
export async function withFreshStore(
  scratch: string,
  folder: string,
  use: (db: Kysely<Database>, store: KyselyStore) => Promise<void>,
): Promise<void> {
  const db = openSqliteDatabase(path.join(scratch, folder, 'store.db'));
  const store = new KyselyStore(db, 'sqlite');
  try {
    await use(db, store);
  } finally {
    await store.close();
  }
}

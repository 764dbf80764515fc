import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe } from 'vitest';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openPostgresDatabase, openSqliteDatabase } from '../../src/store/open-store.js';
import { postgresForTest } from '../support/postgres.js';
import { runLedgerStoreContract } from './ledger-store-contract.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-ledger-store-'));
let counter = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

runLedgerStoreContract('sqlite', async () => {
  counter += 1;
  const store = new KyselyStore(openSqliteDatabase(path.join(scratch, `ledger-${counter}.db`)), 'sqlite');
  await store.migrate();
  return { store, dispose: () => store.close() };
});

// Null (with a warning) skips outside CI; with CI=true an unreachable server fails the run.
const probe = await postgresForTest();
afterAll(async () => {
  await probe?.drop();
});

describe.skipIf(probe === null)('on PostgreSQL', () => {
  runLedgerStoreContract('postgres', async () => {
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

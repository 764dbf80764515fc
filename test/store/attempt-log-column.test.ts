import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeAttemptLog, encodeAttemptLog } from '../../src/store/attempt-log-column.js';
import type { Database } from '../../src/store/database-schema.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { staticMigrationProvider } from '../../src/store/migrations/index.js';
import { openPostgresDatabase } from '../../src/store/open-store.js';
import { attemptToRow } from '../../src/store/ledger-record-mapping.js';
import { generationToRow } from '../../src/store/record-mapping.js';
import { postgresForTest } from '../support/postgres.js';
import { withFreshStore } from './fresh-sqlite-store.js';
import { attemptRecord, BASE_TIME, generation, newAccount } from './store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-attempt-log-'));
// Probed once for the file: null (with a warning) skips the PostgreSQL case, and CI=true throws instead.
const probe = await postgresForTest();
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await probe?.drop();
});

const FAILED_THEN_SERVED = [
  attemptRecord({ channel: 'primary', status: 'error', upstreamStatus: 503, errorCode: 'upstream_unavailable', errorMessage: 'overloaded "now"\n' }),
  attemptRecord({ attempt: 2, channel: 'backup', startedAt: BASE_TIME + 12 }),
];

describe('attempt log column text', () => {
  it('reads back what it wrote, and is null for no attempts', () => {
    expect(decodeAttemptLog(encodeAttemptLog(FAILED_THEN_SERVED)!)).toEqual(FAILED_THEN_SERVED);
    expect(encodeAttemptLog(undefined)).toBeNull();
    expect(encodeAttemptLog([])).toBeNull();
  });

  it('cuts error messages to 500 characters, leaving the records it was given alone', () => {
    const long = [attemptRecord({ status: 'error', errorMessage: 'x'.repeat(900) })];
    expect(decodeAttemptLog(encodeAttemptLog(long)!)[0]!.errorMessage).toHaveLength(500);
    expect(long[0]!.errorMessage).toHaveLength(900);
  });

  it('refuses text that is not an attempt log', () => {
    expect(() => decodeAttemptLog('{}')).toThrow(/not a JSON array/);
    expect(() => decodeAttemptLog('[1]')).toThrow(/attempt is not an object/);
    expect(() => decodeAttemptLog(JSON.stringify([{ ...attemptRecord(), status: 'maybe' }]))).toThrow(/status/);
    expect(() => decodeAttemptLog(JSON.stringify([{ ...attemptRecord(), latencyMs: '40' }]))).toThrow(/latencyMs is not a number/);
    expect(() => decodeAttemptLog(JSON.stringify([{ ...attemptRecord(), channel: 7 }]))).toThrow(/channel is not a string/);
  });
});

/** Migration 0007 on a store of the given engine, from a database at 0006 that has attempts in their old table. */
async function migrateThroughAttemptLog(db: Kysely<Database>, store: KyselyStore, migrator: Migrator, columnsOf: () => Promise<string[]>): Promise<void> {
  expect((await migrator.migrateTo('0006-ascending-time-indexes')).error).toBeUndefined();
  const account = await store.createAccount(newAccount());
  const earlier = generation(account.id, { attempts: 2 });
  // As 0006 held them: the row without the new column, the attempts in their own table.
  await db.insertInto('generations').values({ ...generationToRow(earlier), attempt_log: undefined }).execute();
  const earlierAttempts = FAILED_THEN_SERVED.map((record) => attemptToRow(earlier.id, record));
  await db.insertInto('generation_attempts').values(earlierAttempts).execute();

  await store.migrate();
  expect(await columnsOf()).toContain('attempt_log');
  expect(await store.ledger.listAttempts(earlier.id)).toEqual(FAILED_THEN_SERVED);

  const later = generation(account.id, { id: 'gen-later', attempts: 2, createdAt: BASE_TIME + 1000 });
  await store.settle([{ generation: later, charge: 5n, attemptLog: FAILED_THEN_SERVED }]);
  expect(await store.ledger.listAttempts(later.id)).toEqual(FAILED_THEN_SERVED);
  const tableRows = await db.selectFrom('generation_attempts').select('generation_id').where('generation_id', '=', later.id).execute();
  expect(tableRows).toEqual([]);
  const stored = await db.selectFrom('generations').select('attempt_log').where('id', '=', later.id).executeTakeFirstOrThrow();
  expect(JSON.parse(stored.attempt_log!)).toEqual(FAILED_THEN_SERVED);

  // Undone, the logs written meanwhile move to the old table and the column goes.
  expect((await migrator.migrateTo('0006-ascending-time-indexes')).error).toBeUndefined();
  expect(await columnsOf()).not.toContain('attempt_log');
  const moved = await db
    .selectFrom('generation_attempts')
    .selectAll()
    .where('generation_id', '=', later.id)
    .orderBy('attempt')
    .execute();
  expect(moved.map((row) => [Number(row.attempt), row.channel, row.status, row.error_message, Number(row.started_at)])).toEqual(
    FAILED_THEN_SERVED.map((record) => [record.attempt, record.channel, record.status, record.errorMessage, record.startedAt]),
  );
}

describe('migration 0007: attempt logs in the generation row', () => {
  it('on SQLite: keeps reading older attempts, writes new ones in the row, and moves them back when undone', async () => {
    await withFreshStore(scratch, 'sqlite', async (db, store) => {
      const migrator = new Migrator({ db, provider: staticMigrationProvider });
      const columnsOf = async () => (await sql<{ name: string }>`select name from pragma_table_info('generations')`.execute(db)).rows.map((row) => row.name);
      await migrateThroughAttemptLog(db, store, migrator, columnsOf);
    });
  });

  it.skipIf(probe === null)('on PostgreSQL: the same', async () => {
    const db = openPostgresDatabase(probe!.url);
    const store = new KyselyStore(db, 'postgres');
    try {
      const migrator = new Migrator({ db, provider: staticMigrationProvider, migrationTableSchema: probe!.schema });
      const columnsOf = async () =>
        (
          await sql<{ column_name: string }>`
            select column_name from information_schema.columns where table_schema = ${probe!.schema} and table_name = 'generations'
          `.execute(db)
        ).rows.map((row) => row.column_name);
      await migrateThroughAttemptLog(db, store, migrator, columnsOf);
    } finally {
      await store.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { staticMigrationProvider } from '../../src/store/migrations/index.js';
import { withFreshStore } from './fresh-sqlite-store.js';
import { generationToRow } from '../../src/store/record-mapping.js';
import { BASE_TIME, generation, newAccount } from './store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-time-indexes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TIME_INDEXES = [
  'ledger_entries_account_created',
  'generations_account_created',
  'generations_account_model_created',
  'generations_account_key_created',
];

/** Whether each index's `created_at` column sorts descending, by index name. */
async function createdAtDescending(db: Kysely<Database>): Promise<Record<string, boolean>> {
  const result: Record<string, boolean> = {};
  for (const name of TIME_INDEXES) {
    const { rows } = await sql<{ name: string | null; desc: number | bigint }>`select name, desc from pragma_index_xinfo(${name})`.execute(db);
    const column = rows.find((row) => row.name === 'created_at');
    if (!column) throw new Error(`index ${name} has no created_at column`);
    result[name] = Number(column.desc) === 1;
  }
  return result;
}

async function queryPlan(db: Kysely<Database>, query: string): Promise<string> {
  const { rows } = await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(db);
  return rows.map((row) => row.detail).join(' | ');
}

describe('per-account time indexes', () => {
  it('are rebuilt ascending over existing rows, which still list newest first', async () => {
    await withFreshStore(scratch, 'upgrade', async (db, store) => {
      const migrator = new Migrator({ db, provider: staticMigrationProvider });
      const before = await migrator.migrateTo('0005-credit-and-groups');
      expect(before.error).toBeUndefined();
      expect(Object.values(await createdAtDescending(db))).toEqual([true, true, true, true]);

      const account = await store.createAccount(newAccount());
      const settled = [0, 1, 2].map((offset) => generation(account.id, { createdAt: BASE_TIME + offset * 1000 }));
      // Without the columns later migrations add, which today's settle writes (Kysely leaves out undefined values).
      await db.insertInto('generations').values(settled.map((record) => ({ ...generationToRow(record), attempt_log: undefined }))).execute();

      await store.migrate();
      expect(Object.values(await createdAtDescending(db))).toEqual([false, false, false, false]);
      const listed = await store.listGenerations(account.id, 10);
      expect(listed.map((record) => record.id)).toEqual([...settled].reverse().map((record) => record.id));
    });
  });

  it('still serve the newest-first listings as index searches', async () => {
    await withFreshStore(scratch, 'plans', async (db, store) => {
      await store.migrate();
      const plans = {
        generations: "select * from generations where account_id = 'a' order by created_at desc, id desc limit 50",
        byModel: "select * from generations where account_id = 'a' and model = 'm' order by created_at desc, id desc limit 50",
        byKey: "select * from generations where account_id = 'a' and key_id = 'k' and created_at >= 1 order by created_at desc, id desc limit 50",
        ledger: "select * from ledger_entries where account_id = 'a' order by created_at desc, id desc limit 50",
      };
      expect(await queryPlan(db, plans.generations)).toContain('USING INDEX generations_account_created (account_id=?)');
      expect(await queryPlan(db, plans.byModel)).toContain('USING INDEX generations_account_model_created (account_id=? AND model=?)');
      expect(await queryPlan(db, plans.byKey)).toContain('USING INDEX generations_account_key_created (account_id=? AND key_id=? AND created_at>?)');
      expect(await queryPlan(db, plans.ledger)).toContain('USING INDEX ledger_entries_account_created (account_id=?)');
    });
  });

  it('go back to descending when the migration is undone', async () => {
    await withFreshStore(scratch, 'down', async (db, store) => {
      await store.migrate();
      const migrator = new Migrator({ db, provider: staticMigrationProvider });
      const undone = await migrator.migrateTo('0005-credit-and-groups');
      expect(undone.error).toBeUndefined();
      expect(undone.results?.map((result) => result.migrationName)).toContain('0006-ascending-time-indexes');
      expect(Object.values(await createdAtDescending(db))).toEqual([true, true, true, true]);
    });
  });
});

/**
 * `generations.attempt_log`: a generation's upstream attempts as JSON in its own row
 * (`attempt-log-column.ts`), written from now on instead of rows of `generation_attempts`. That
 * table stays, with the attempts of generations stored before; reads look in both.
 *
 * Undoing it moves the logs written meanwhile into `generation_attempts`, so none is lost.
 */
import type { Kysely } from 'kysely';
import { decodeAttemptLog } from '../attempt-log-column.js';
import type { GenerationAttemptsTable } from '../database-schema.js';
import { attemptToRow } from '../ledger-record-mapping.js';

interface GenerationLogRow {
  id: string;
  attempt_log: string | null;
}

interface Tables {
  generations: GenerationLogRow;
  generation_attempts: GenerationAttemptsTable;
}

/** Rows read and written per statement on the way down, well under both engines' parameter limits. */
const DOWN_CHUNK = 500;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('generations').addColumn('attempt_log', 'text').execute();
}

export async function down(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Tables>;
  let after = '';
  for (;;) {
    const rows: GenerationLogRow[] = await db
      .selectFrom('generations')
      .select(['id', 'attempt_log'])
      .where('attempt_log', 'is not', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(DOWN_CHUNK)
      .execute();
    if (rows.length === 0) break;
    const attempts = rows.flatMap((row) => decodeAttemptLog(row.attempt_log!).map((attempt) => attemptToRow(row.id, attempt)));
    for (let start = 0; start < attempts.length; start += DOWN_CHUNK) {
      await db
        .insertInto('generation_attempts')
        .values(attempts.slice(start, start + DOWN_CHUNK))
        .onConflict((conflict) => conflict.columns(['generation_id', 'attempt']).doNothing())
        .execute();
    }
    after = rows.at(-1)!.id;
  }
  await db.schema.alterTable('generations').dropColumn('attempt_log').execute();
}

/**
 * Holds and budgets: the holds still open (a small table: a row lives from the batch that stored
 * the hold to the one that released it), the upstream attempts of each generation, and each key's
 * spending within its current budget period. Money and times are bigint, as in 0001.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('period_spent', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('api_keys')
    .addColumn('period_start', 'bigint', (column) => column.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('open_holds')
    .addColumn('generation_id', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
    .addColumn('key_id', 'text')
    .addColumn('amount', 'bigint', (column) => column.notNull())
    .addColumn('instance_id', 'text', (column) => column.notNull())
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('endpoint', 'text', (column) => column.notNull())
    .addColumn('stream', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('open_holds_instance').on('open_holds').column('instance_id').execute();
  await db.schema.createIndex('open_holds_created').on('open_holds').column('created_at').execute();

  await db.schema
    .createTable('generation_attempts')
    .addColumn('generation_id', 'text', (column) => column.notNull().references('generations.id'))
    .addColumn('attempt', 'integer', (column) => column.notNull())
    .addColumn('channel', 'text')
    .addColumn('provider', 'text')
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('upstream_status', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('started_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('generation_attempts_pk', ['generation_id', 'attempt'])
    .execute();

  // Tracing a generation to its ledger entries (hold, release, charge, refund).
  await db.schema.createIndex('ledger_entries_generation').on('ledger_entries').column('generation_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_entries_generation').execute();
  await db.schema.dropTable('generation_attempts').execute();
  await db.schema.dropTable('open_holds').execute();
  await db.schema.alterTable('api_keys').dropColumn('period_start').execute();
  await db.schema.alterTable('api_keys').dropColumn('period_spent').execute();
}

/**
 * Key governance: an IP allowlist and a budget period on each key, and account-wide rate limits.
 * One column per statement, as SQLite's ALTER TABLE adds one at a time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('api_keys')
    .addColumn('ip_allowlist', 'text', (column) => column.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('api_keys')
    .addColumn('budget_period', 'text', (column) => column.notNull().defaultTo('total'))
    .execute();
  await db.schema.alterTable('accounts').addColumn('rpm', 'integer').execute();
  await db.schema.alterTable('accounts').addColumn('tpm', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('tpm').execute();
  await db.schema.alterTable('accounts').dropColumn('rpm').execute();
  await db.schema.alterTable('api_keys').dropColumn('budget_period').execute();
  await db.schema.alterTable('api_keys').dropColumn('ip_allowlist').execute();
}

/**
 * Credit and reporting: redemption codes, account groups (price multiplier, channel pool),
 * low-balance alerts, per-model price overrides, and the indexes usage reports filter by.
 * Money and times are bigint, flags integer 0/1, JSON and exact decimals text, as in 0001.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('redemption_codes')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('prefix', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .addColumn('amount', 'bigint', (column) => column.notNull())
    .addColumn('note', 'text')
    .addColumn('batch_id', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('disabled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('redeemed_by', 'text', (column) => column.references('accounts.id'))
    .addColumn('redeemed_at', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('redemption_codes_hash_unique').on('redemption_codes').column('hash').unique().execute();
  await db.schema
    .createIndex('redemption_codes_created')
    .on('redemption_codes')
    .columns(['created_at desc', 'id desc'])
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('price_multiplier', 'text', (column) => column.notNull().defaultTo('1'))
    .addColumn('channels', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('groups_name_unique').on('groups').column('name').unique().execute();

  await db.schema.alterTable('accounts').addColumn('group_id', 'text', (column) => column.references('groups.id')).execute();
  await db.schema.createIndex('accounts_group_id').on('accounts').column('group_id').execute();

  await db.schema
    .createTable('low_balance_alerts')
    .addColumn('account_id', 'text', (column) => column.primaryKey().references('accounts.id'))
    .addColumn('threshold', 'bigint')
    .addColumn('notified_at', 'bigint')
    .execute();

  await db.schema
    .createTable('price_overrides')
    .addColumn('model_id', 'text', (column) => column.notNull())
    // '' when the override is the model's general price rather than one provider's offer.
    .addColumn('provider', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('input', 'text')
    .addColumn('output', 'text')
    .addColumn('cached_input', 'text')
    .addColumn('cache_write', 'text')
    .addColumn('reasoning', 'text')
    .addColumn('image', 'text')
    .addColumn('request', 'text')
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addPrimaryKeyConstraint('price_overrides_pk', ['model_id', 'provider'])
    .execute();

  await db.schema
    .createIndex('generations_account_model_created')
    .on('generations')
    .columns(['account_id', 'model', 'created_at desc'])
    .execute();
  await db.schema
    .createIndex('generations_account_key_created')
    .on('generations')
    .columns(['account_id', 'key_id', 'created_at desc'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('generations_account_key_created').execute();
  await db.schema.dropIndex('generations_account_model_created').execute();
  await db.schema.dropTable('price_overrides').execute();
  await db.schema.dropTable('low_balance_alerts').execute();
  await db.schema.dropIndex('accounts_group_id').execute();
  await db.schema.alterTable('accounts').dropColumn('group_id').execute();
  await db.schema.dropTable('groups').execute();
  await db.schema.dropTable('redemption_codes').execute();
}

/**
 * The first schema. Written once for both engines: `bigint` is int8 in PostgreSQL and has INTEGER
 * affinity in SQLite (a signed 64-bit integer there too); booleans are integer 0/1 on both;
 * JSON is text on both.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('email', 'text', (column) => column.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('balance', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('disabled', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('accounts_email_unique').on('accounts').column('email').unique().execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('prefix', 'text', (column) => column.notNull())
    .addColumn('hash', 'text', (column) => column.notNull())
    .addColumn('models', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('budget', 'bigint')
    .addColumn('spent', 'bigint', (column) => column.notNull().defaultTo(0))
    .addColumn('rpm', 'integer')
    .addColumn('tpm', 'integer')
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('api_keys_hash_unique').on('api_keys').column('hash').unique().execute();
  await db.schema.createIndex('api_keys_account_id').on('api_keys').column('account_id').execute();
  await db.schema.createIndex('api_keys_updated_at').on('api_keys').column('updated_at').execute();

  await db.schema
    .createTable('ledger_entries')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('amount', 'bigint', (column) => column.notNull())
    .addColumn('idempotency_key', 'text', (column) => column.notNull())
    .addColumn('generation_id', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('ledger_entries_idempotency_key_unique')
    .on('ledger_entries')
    .column('idempotency_key')
    .unique()
    .execute();
  await db.schema
    .createIndex('ledger_entries_account_created')
    .on('ledger_entries')
    .columns(['account_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('generations')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('account_id', 'text', (column) => column.notNull().references('accounts.id'))
    .addColumn('key_id', 'text')
    .addColumn('model', 'text', (column) => column.notNull())
    .addColumn('provider', 'text')
    .addColumn('channel', 'text')
    .addColumn('endpoint', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('http_status', 'integer', (column) => column.notNull())
    .addColumn('error_code', 'text')
    .addColumn('stream', 'integer', (column) => column.notNull())
    .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
    .addColumn('completion_tokens', 'integer', (column) => column.notNull())
    .addColumn('cached_tokens', 'integer', (column) => column.notNull())
    .addColumn('cache_write_tokens', 'integer', (column) => column.notNull())
    .addColumn('reasoning_tokens', 'integer', (column) => column.notNull())
    .addColumn('usage_estimated', 'integer', (column) => column.notNull())
    .addColumn('cost', 'bigint', (column) => column.notNull())
    .addColumn('latency_ms', 'integer', (column) => column.notNull())
    .addColumn('ttft_ms', 'integer')
    .addColumn('attempts', 'integer', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('generations_account_created')
    .on('generations')
    .columns(['account_id', 'created_at desc'])
    .execute();

  await db.schema
    .createTable('channels')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('provider', 'text', (column) => column.notNull())
    .addColumn('base_url', 'text')
    .addColumn('api_key_encrypted', 'text')
    .addColumn('models', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('model_map', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('headers', 'text', (column) => column.notNull().defaultTo('{}'))
    .addColumn('priority', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('weight', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('timeout_ms', 'integer', (column) => column.notNull().defaultTo(600_000))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('channels_name_unique').on('channels').column('name').unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channels').execute();
  await db.schema.dropTable('generations').execute();
  await db.schema.dropTable('ledger_entries').execute();
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('accounts').execute();
}

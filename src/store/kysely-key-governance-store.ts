/** `KeyGovernanceStore` on the shared Kysely database; the same SQL text runs on SQLite and PostgreSQL. */
import { sql, type Kysely, type Updateable } from 'kysely';
import type { ApiKeysTable, Database } from './database-schema.js';
import { apiKeyFromRow } from './record-mapping.js';
import { toNullableNumber } from './column-values.js';
import type { AccountRateLimits, ApiKeyChanges, KeyGovernanceStore } from './key-governance-store.js';
import type { ApiKeyRecord } from './store.js';

export class KyselyKeyGovernanceStore implements KeyGovernanceStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findApiKeyById(id: string): Promise<ApiKeyRecord | null> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  async updateApiKey(id: string, changes: ApiKeyChanges, at: number): Promise<ApiKeyRecord | null> {
    const row = await this.#db
      .updateTable('api_keys')
      .set({
        ...columnsOf(changes),
        // `updated_at` always grows, even for two changes within one millisecond.
        updated_at: sql<number>`case when updated_at >= ${at} then updated_at + 1 else ${at} end`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  async findAccountRateLimits(accountId: string): Promise<AccountRateLimits | null> {
    const row = await this.#db.selectFrom('accounts').select(['rpm', 'tpm']).where('id', '=', accountId).executeTakeFirst();
    return row ? { rpm: toNullableNumber(row.rpm), tpm: toNullableNumber(row.tpm) } : null;
  }

  async setAccountRateLimits(accountId: string, limits: AccountRateLimits): Promise<boolean> {
    const rows = await this.#db
      .updateTable('accounts')
      .set({ rpm: limits.rpm, tpm: limits.tpm })
      .where('id', '=', accountId)
      .returning('id')
      .execute();
    return rows.length > 0;
  }
}

function columnsOf(changes: ApiKeyChanges): Updateable<ApiKeysTable> {
  const columns: Updateable<ApiKeysTable> = {};
  if (changes.name !== undefined) columns.name = changes.name;
  if (changes.models !== undefined) columns.models = JSON.stringify(changes.models);
  if (changes.ipAllowlist !== undefined) columns.ip_allowlist = JSON.stringify(changes.ipAllowlist);
  if (changes.budget !== undefined) columns.budget = changes.budget;
  if (changes.budgetPeriod !== undefined) columns.budget_period = changes.budgetPeriod;
  if (changes.rpm !== undefined) columns.rpm = changes.rpm;
  if (changes.tpm !== undefined) columns.tpm = changes.tpm;
  if (changes.expiresAt !== undefined) columns.expires_at = changes.expiresAt;
  return columns;
}

import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { BalanceWatch, LowBalanceStore } from './low-balance-store.js';
import { toBigInt, toNullableBigInt, toNullableNumber } from './column-values.js';

/** Ids per `in (…)` list: well under both engines' bound-parameter limits. */
const IDS_PER_QUERY = 500;

export class KyselyLowBalanceStore implements LowBalanceStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listBalanceWatches(accountIds: readonly string[]): Promise<BalanceWatch[]> {
    const watches: BalanceWatch[] = [];
    for (let start = 0; start < accountIds.length; start += IDS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('accounts')
        .leftJoin('low_balance_alerts', 'low_balance_alerts.account_id', 'accounts.id')
        .select([
          'accounts.id',
          'accounts.email',
          'accounts.balance',
          'low_balance_alerts.threshold',
          'low_balance_alerts.notified_at',
        ])
        .where('accounts.id', 'in', accountIds.slice(start, start + IDS_PER_QUERY))
        .execute();
      for (const row of rows) {
        watches.push({
          accountId: row.id,
          email: row.email,
          balance: toBigInt(row.balance),
          threshold: toNullableBigInt(row.threshold),
          notifiedAt: toNullableNumber(row.notified_at),
        });
      }
    }
    return watches;
  }

  async claimLowBalanceNotice(accountId: string, at: number): Promise<boolean> {
    const row = await this.db
      .insertInto('low_balance_alerts')
      .values({ account_id: accountId, threshold: null, notified_at: at })
      .onConflict((conflict) =>
        conflict
          .column('account_id')
          .doUpdateSet({ notified_at: at })
          .where('low_balance_alerts.notified_at', 'is', null),
      )
      .returning('account_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async clearLowBalanceNotices(accountIds: readonly string[]): Promise<void> {
    for (let start = 0; start < accountIds.length; start += IDS_PER_QUERY) {
      await this.db
        .updateTable('low_balance_alerts')
        .set({ notified_at: null })
        .where('account_id', 'in', accountIds.slice(start, start + IDS_PER_QUERY))
        .where('notified_at', 'is not', null)
        .execute();
    }
  }

  async setLowBalanceThreshold(accountId: string, threshold: bigint | null): Promise<void> {
    await this.db
      .insertInto('low_balance_alerts')
      .values({ account_id: accountId, threshold, notified_at: null })
      .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ threshold }))
      .execute();
  }

  async getLowBalanceThreshold(accountId: string): Promise<bigint | null> {
    const row = await this.db
      .selectFrom('low_balance_alerts')
      .select('threshold')
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toNullableBigInt(row.threshold) : null;
  }
}

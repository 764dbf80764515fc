import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';
import type { LedgerHistoryStore, LedgerPage } from './ledger-history-store.js';
import { ledgerEntryFromRow } from './record-mapping.js';
import { toNumber } from './column-values.js';
import type { LedgerEntry } from './store.js';

export class KyselyLedgerHistoryStore implements LedgerHistoryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async findLedgerEntryByIdempotencyKey(idempotencyKey: string): Promise<LedgerEntry | null> {
    const row = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row ? ledgerEntryFromRow(row) : null;
  }

  async listLedgerPage(accountId: string, limit: number, offset: number): Promise<LedgerPage> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    const count = await this.db
      .selectFrom('ledger_entries')
      .select((builder) => builder.fn.countAll<number | bigint | string>().as('count'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return { entries: rows.map(ledgerEntryFromRow), total: toNumber(count.count) };
  }
}

import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RedemptionCodesTable } from './database-schema.js';
import type {
  NewRedemptionCode,
  RedemptionCodeQuery,
  RedemptionCodeRecord,
  RedemptionCodeStore,
  RedemptionOutcome,
} from './redemption-code-store.js';
import { fromFlag, toBigInt, toFlag, toNullableNumber, toNumber } from './column-values.js';
import { ledgerEntryToRow } from './record-mapping.js';

const INSERT_CHUNK_ROWS = 200;

export class KyselyRedemptionCodeStore implements RedemptionCodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createRedemptionCodes(codes: NewRedemptionCode[]): Promise<void> {
    if (codes.length === 0) return;
    await this.db.transaction().execute(async (transaction) => {
      for (let start = 0; start < codes.length; start += INSERT_CHUNK_ROWS) {
        const rows = codes.slice(start, start + INSERT_CHUNK_ROWS).map((code) => ({
          id: code.id,
          prefix: code.prefix,
          hash: code.hash,
          amount: code.amount,
          note: code.note,
          batch_id: code.batchId,
          expires_at: code.expiresAt,
          disabled: fromFlag(false),
          redeemed_by: null,
          redeemed_at: null,
          created_at: code.createdAt,
        }));
        await transaction.insertInto('redemption_codes').values(rows).execute();
      }
    });
  }

  async listRedemptionCodes(query: RedemptionCodeQuery): Promise<{ codes: RedemptionCodeRecord[]; total: number }> {
    let rows = this.db.selectFrom('redemption_codes').selectAll();
    let count = this.db
      .selectFrom('redemption_codes')
      .select((builder) => builder.fn.countAll<number | bigint | string>().as('count'));
    if (query.batchId !== undefined) {
      rows = rows.where('batch_id', '=', query.batchId);
      count = count.where('batch_id', '=', query.batchId);
    }
    const found = await rows.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
    const total = await count.executeTakeFirstOrThrow();
    return { codes: found.map(redemptionCodeFromRow), total: toNumber(total.count) };
  }

  async disableRedemptionCode(id: string): Promise<RedemptionCodeRecord | null> {
    const row = await this.db
      .updateTable('redemption_codes')
      .set({ disabled: 1 })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? redemptionCodeFromRow(row) : null;
  }

  async redeemRedemptionCode(hash: string, accountId: string, now: number, ledgerEntryId: string): Promise<RedemptionOutcome> {
    return this.db.transaction().execute(async (transaction): Promise<RedemptionOutcome> => {
      const claimed = await transaction
        .updateTable('redemption_codes')
        .set({ redeemed_by: accountId, redeemed_at: now })
        .where('hash', '=', hash)
        .where('redeemed_at', 'is', null)
        .where('disabled', '=', 0)
        .where((builder) => builder.or([builder('expires_at', 'is', null), builder('expires_at', '>', now)]))
        .returningAll()
        .executeTakeFirst();
      if (!claimed) {
        const row = await transaction.selectFrom('redemption_codes').selectAll().where('hash', '=', hash).executeTakeFirst();
        const expired =
          row !== undefined && row.redeemed_at === null && !toFlag(row.disabled) && row.expires_at !== null && toNumber(row.expires_at) <= now;
        return { status: expired ? 'expired' : 'unavailable' };
      }
      const code = redemptionCodeFromRow(claimed);
      const inserted = await transaction
        .insertInto('ledger_entries')
        .values(
          ledgerEntryToRow({
            id: ledgerEntryId,
            accountId,
            kind: 'redemption',
            amount: code.amount,
            idempotencyKey: `redemption:${code.id}`,
            generationId: null,
            note: code.note,
            createdAt: now,
          }),
        )
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      // The claim above succeeds once per code, so its entry cannot exist yet; throwing rolls both back.
      if (!inserted) throw new Error(`redemption of code ${code.id} is already in the ledger`);
      const account = await transaction
        .updateTable('accounts')
        .set({ balance: sql<bigint>`balance + ${code.amount}` })
        .where('id', '=', accountId)
        .returning('balance')
        .executeTakeFirst();
      if (!account) throw new Error(`no account ${accountId} to credit`);
      if (typeof account.balance === 'number') throw new RangeError('balance would leave the 64-bit integer range');
      return { status: 'redeemed', code, balance: toBigInt(account.balance) };
    });
  }
}

function redemptionCodeFromRow(row: Selectable<RedemptionCodesTable>): RedemptionCodeRecord {
  return {
    id: row.id,
    prefix: row.prefix,
    amount: toBigInt(row.amount),
    note: row.note,
    batchId: row.batch_id,
    expiresAt: toNullableNumber(row.expires_at),
    disabled: toFlag(row.disabled),
    redeemedBy: row.redeemed_by,
    redeemedAt: toNullableNumber(row.redeemed_at),
    createdAt: toNumber(row.created_at),
  };
}

/**
 * `LedgerStore` for SQLite and PostgreSQL: one implementation for both engines (the settlement
 * inserts differ only in their placeholders), values normalised on the way out as in `kysely-store.ts`.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { executeBatchInsert, placeholderDialectOf, type PlaceholderDialect } from './batch-insert-statement.js';
import type { Database } from './database-schema.js';
import { newLedgerEntryId } from './ledger-entry-id.js';
import { generationToRow, ledgerEntryFromRow, ledgerEntryToRow } from './record-mapping.js';
import { toBigInt, toNumber } from './column-values.js';
import { decodeAttemptLog, encodeAttemptLog } from './attempt-log-column.js';
import {
  addAmount,
  assertExactInteger,
  bumpedUpdatedAt,
  chunked,
  compareStrings,
  GENERATION_INSERT,
  LEDGER_ENTRY_INSERT_RETURNING_AMOUNT,
  LEDGER_ENTRY_INSERT_RETURNING_GENERATION,
  moveBalances,
  OPEN_HOLD_INSERT,
} from './ledger-sql.js';
import { attemptFromRow, holdFromRow, holdToRow, interruptedGeneration } from './ledger-record-mapping.js';
import {
  isOpenedHold,
  type AttemptRecord,
  type HoldRecord,
  type LedgerRecord,
  type LedgerSettlement,
  type LedgerStore,
  type LedgerVerification,
  type OpenHoldFilter,
  type ReleaseOptions,
  type StoredKeySpending,
} from './ledger-store.js';
import type { BalanceDiscrepancy, LedgerEntry } from './store.js';

/**
 * The settlement inserts run as SQL text built once per shape and chunk length
 * (`batch-insert-statement.ts`); the rarely run reads and releases use the query builder.
 */
export class KyselyLedgerStore implements LedgerStore {
  readonly #dialect: PlaceholderDialect;

  constructor(private readonly db: Kysely<Database>) {
    this.#dialect = placeholderDialectOf(db);
  }

  async settle(records: LedgerRecord[]): Promise<number> {
    const { holds, settlements } = splitRecords(records);
    if (holds.length === 0 && settlements.length === 0) return 0;
    const dialect = this.#dialect;
    return this.db.transaction().execute(async (transaction) => {
      const balanceMoves = new Map<string, bigint>();
      const newHolds = await insertHoldEntries(transaction, dialect, holds, balanceMoves);
      const fresh = await insertGenerations(transaction, dialect, settlements);
      const released = await releaseSettledHolds(transaction, dialect, fresh, newHolds, balanceMoves);
      const stillOpen = [...newHolds.values()].filter((hold) => !released.has(hold.generationId));
      for (const chunk of chunked(stillOpen)) {
        await executeBatchInsert(transaction, dialect, OPEN_HOLD_INSERT, chunk.map(holdToRow));
      }
      const charged = fresh.filter((settlement) => settlement.charge > 0n);
      await insertCharges(transaction, dialect, charged, balanceMoves);
      await moveBalances(transaction, balanceMoves);
      await addToKeySpending(transaction, charged);
      return fresh.length;
    });
  }

  async readBalances(accountIds: readonly string[]): Promise<Map<string, bigint>> {
    const balances = new Map<string, bigint>();
    for (const chunk of chunked([...new Set(accountIds)])) {
      const rows = await this.db.selectFrom('accounts').select(['id', 'balance']).where('id', 'in', chunk).execute();
      for (const row of rows) balances.set(row.id, toBigInt(row.balance));
    }
    return balances;
  }

  async readKeySpending(keyIds: readonly string[]): Promise<Map<string, StoredKeySpending>> {
    const spending = new Map<string, StoredKeySpending>();
    for (const chunk of chunked([...new Set(keyIds)])) {
      const rows = await this.db
        .selectFrom('api_keys')
        .select(['id', 'spent', 'period_spent', 'period_start'])
        .where('id', 'in', chunk)
        .execute();
      for (const row of rows) {
        spending.set(row.id, {
          spent: toBigInt(row.spent),
          periodSpent: toBigInt(row.period_spent),
          periodStart: toNumber(row.period_start),
        });
      }
    }
    return spending;
  }

  /** Oldest first. */
  async listOpenHolds(filter: OpenHoldFilter = {}): Promise<HoldRecord[]> {
    if (filter.instanceIds && filter.instanceIds.length === 0) return [];
    let query = this.db.selectFrom('open_holds').selectAll();
    if (filter.instanceIds) query = query.where('instance_id', 'in', filter.instanceIds);
    if (filter.createdBefore !== undefined) query = query.where('created_at', '<', filter.createdBefore);
    const rows = await query.orderBy('created_at').orderBy('generation_id').execute();
    return rows.map(holdFromRow);
  }

  async releaseHolds(generationIds: readonly string[], options: ReleaseOptions): Promise<number> {
    const ids = [...new Set(generationIds)].sort(compareStrings);
    if (ids.length === 0) return 0;
    return this.db.transaction().execute(async (transaction) => {
      const balanceMoves = new Map<string, bigint>();
      let count = 0;
      for (const chunk of chunked(ids)) {
        const rows = await transaction.deleteFrom('open_holds').where('generation_id', 'in', chunk).returningAll().execute();
        const holds = rows.map(holdFromRow);
        count += await insertReleases(transaction, this.#dialect, holds, options.note, options.at, balanceMoves);
        if (options.recordInterrupted && holds.length > 0) {
          await transaction
            .insertInto('generations')
            .values(holds.map((hold) => generationToRow(interruptedGeneration(hold, options.at))))
            .onConflict((conflict) => conflict.column('id').doNothing())
            .execute();
        }
      }
      await moveBalances(transaction, balanceMoves);
      return count;
    });
  }

  async verify(): Promise<LedgerVerification> {
    const ledgerSum = sql<bigint | number | string>`coalesce(sum(ledger_entries.amount), 0)`;
    const rows = await this.db
      .selectFrom('accounts')
      .leftJoin('ledger_entries', 'ledger_entries.account_id', 'accounts.id')
      .select(['accounts.id', 'accounts.email', 'accounts.balance', ledgerSum.as('ledger_sum')])
      .groupBy(['accounts.id', 'accounts.email', 'accounts.balance'])
      .having(sql<boolean>`accounts.balance <> ${ledgerSum}`)
      .orderBy('accounts.id')
      .execute();
    const discrepancies: BalanceDiscrepancy[] = rows.map((row) => ({
      accountId: row.id,
      email: row.email,
      balance: toBigInt(row.balance),
      ledgerSum: toBigInt(row.ledger_sum),
    }));
    const open = await this.db
      .selectFrom('open_holds')
      .select((builder) => builder.fn.countAll<number | bigint | string>().as('count'))
      .executeTakeFirstOrThrow();
    return { discrepancies, openHolds: toNumber(open.count) };
  }

  async listAttempts(generationId: string): Promise<AttemptRecord[]> {
    const generation = await this.db.selectFrom('generations').select('attempt_log').where('id', '=', generationId).executeTakeFirst();
    if (generation?.attempt_log) return decodeAttemptLog(generation.attempt_log);
    // Generations stored before migration 0007 keep their attempts in a table of their own.
    const rows = await this.db
      .selectFrom('generation_attempts')
      .selectAll()
      .where('generation_id', '=', generationId)
      .orderBy('attempt')
      .execute();
    return rows.map(attemptFromRow);
  }

  async listEntriesOfGeneration(generationId: string): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('generation_id', '=', generationId)
      .orderBy('created_at')
      .orderBy('kind')
      .execute();
    return rows.map(ledgerEntryFromRow);
  }
}

function splitRecords(records: LedgerRecord[]): { holds: HoldRecord[]; settlements: LedgerSettlement[] } {
  const holds = new Map<string, HoldRecord>();
  const settlements = new Map<string, LedgerSettlement>();
  for (const record of records) {
    if (isOpenedHold(record)) {
      if (record.hold.amount <= 0n) throw new RangeError(`hold of generation ${record.hold.generationId} is not positive`);
      if (!holds.has(record.hold.generationId)) holds.set(record.hold.generationId, record.hold);
      continue;
    }
    if (record.charge < 0n) throw new RangeError(`negative charge for generation ${record.generation.id}`);
    if ((record.heldAmount ?? 0n) < 0n) throw new RangeError(`negative hold for generation ${record.generation.id}`);
    if (!settlements.has(record.generation.id)) settlements.set(record.generation.id, record);
  }
  // Sorted so concurrent batches take their locks in the same order.
  return {
    holds: [...holds.values()].sort((left, right) => compareStrings(left.generationId, right.generationId)),
    settlements: [...settlements.values()].sort((left, right) => compareStrings(left.generation.id, right.generation.id)),
  };
}

/** Writes `hold:<id>` entries; returns the holds actually new, by generation id. */
async function insertHoldEntries(
  transaction: Transaction<Database>,
  dialect: PlaceholderDialect,
  holds: HoldRecord[],
  balanceMoves: Map<string, bigint>,
): Promise<Map<string, HoldRecord>> {
  const byId = new Map(holds.map((hold) => [hold.generationId, hold]));
  const inserted = new Map<string, HoldRecord>();
  for (const chunk of chunked(holds)) {
    const entries = chunk.map((hold) =>
      ledgerEntryToRow({
        id: newLedgerEntryId(),
        accountId: hold.accountId,
        kind: 'hold',
        amount: -hold.amount,
        idempotencyKey: `hold:${hold.generationId}`,
        generationId: hold.generationId,
        note: null,
        createdAt: hold.createdAt,
      }),
    );
    const rows = await executeBatchInsert(transaction, dialect, LEDGER_ENTRY_INSERT_RETURNING_GENERATION, entries);
    for (const row of rows) {
      const hold = byId.get(row.generation_id!)!;
      inserted.set(hold.generationId, hold);
      addAmount(balanceMoves, hold.accountId, -hold.amount);
    }
  }
  return inserted;
}

/** Inserts the generation rows; returns the settlements whose generation was new. */
async function insertGenerations(
  transaction: Transaction<Database>,
  dialect: PlaceholderDialect,
  settlements: LedgerSettlement[],
): Promise<LedgerSettlement[]> {
  const newIds = new Set<string>();
  for (const chunk of chunked(settlements)) {
    const generations = chunk.map((settlement) => generationToRow(settlement.generation, encodeAttemptLog(settlement.attemptLog)));
    const rows = await executeBatchInsert(transaction, dialect, GENERATION_INSERT, generations);
    for (const row of rows) newIds.add(row.id);
  }
  return settlements.filter((settlement) => newIds.has(settlement.generation.id));
}

/**
 * Releases the holds of settled generations: those stored in this batch, and those still open in
 * the store. The amount released is the one stored with the hold, so a release never exceeds its
 * hold, and a hold that was never stored (or was already released) is not released again.
 */
async function releaseSettledHolds(
  transaction: Transaction<Database>,
  dialect: PlaceholderDialect,
  fresh: LedgerSettlement[],
  newHolds: Map<string, HoldRecord>,
  balanceMoves: Map<string, bigint>,
): Promise<Set<string>> {
  const toRelease: HoldRecord[] = [];
  const earlier: string[] = [];
  for (const settlement of fresh) {
    if ((settlement.heldAmount ?? 0n) === 0n) continue;
    const inBatch = newHolds.get(settlement.generation.id);
    if (inBatch) toRelease.push(inBatch);
    else earlier.push(settlement.generation.id);
  }
  for (const chunk of chunked(earlier)) {
    const rows = await transaction.deleteFrom('open_holds').where('generation_id', 'in', chunk).returningAll().execute();
    toRelease.push(...rows.map(holdFromRow));
  }
  await insertReleases(transaction, dialect, toRelease, null, null, balanceMoves);
  return new Set(toRelease.map((hold) => hold.generationId));
}

/** Writes `release:<id>` entries (idempotent); returns how many were new. */
async function insertReleases(
  transaction: Transaction<Database>,
  dialect: PlaceholderDialect,
  holds: HoldRecord[],
  note: string | null,
  at: number | null,
  balanceMoves: Map<string, bigint>,
): Promise<number> {
  const byId = new Map(holds.map((hold) => [hold.generationId, hold]));
  let count = 0;
  for (const chunk of chunked(holds)) {
    const entries = chunk.map((hold) =>
      ledgerEntryToRow({
        id: newLedgerEntryId(),
        accountId: hold.accountId,
        kind: 'release',
        amount: hold.amount,
        idempotencyKey: `release:${hold.generationId}`,
        generationId: hold.generationId,
        note,
        createdAt: at ?? hold.createdAt,
      }),
    );
    const rows = await executeBatchInsert(transaction, dialect, LEDGER_ENTRY_INSERT_RETURNING_GENERATION, entries);
    for (const row of rows) {
      const hold = byId.get(row.generation_id!)!;
      addAmount(balanceMoves, hold.accountId, hold.amount);
      count += 1;
    }
  }
  return count;
}

/** Writes the charge entries; the balance moves only by the entries actually inserted. */
async function insertCharges(
  transaction: Transaction<Database>,
  dialect: PlaceholderDialect,
  charged: LedgerSettlement[],
  balanceMoves: Map<string, bigint>,
): Promise<void> {
  for (const chunk of chunked(charged)) {
    const entries = chunk.map((settlement) =>
      ledgerEntryToRow({
        id: newLedgerEntryId(),
        accountId: settlement.generation.accountId,
        kind: 'charge',
        amount: -settlement.charge,
        idempotencyKey: `charge:${settlement.generation.id}`,
        generationId: settlement.generation.id,
        note: null,
        createdAt: settlement.generation.createdAt,
      }),
    );
    const rows = await executeBatchInsert(transaction, dialect, LEDGER_ENTRY_INSERT_RETURNING_AMOUNT, entries);
    for (const row of rows) addAmount(balanceMoves, row.account_id, toBigInt(row.amount));
  }
}

/**
 * Adds charges to each key's `spent` and to its spending in the budget period the charge counts
 * toward: a newer period restarts the count, an older one (a late replay) leaves it alone.
 */
async function addToKeySpending(transaction: Transaction<Database>, charged: LedgerSettlement[]): Promise<void> {
  const byKey = new Map<string, { total: bigint; periods: Map<number, bigint> }>();
  for (const settlement of charged) {
    const keyId = settlement.generation.keyId;
    if (keyId === null) continue;
    const entry = byKey.get(keyId) ?? { total: 0n, periods: new Map<number, bigint>() };
    entry.total += settlement.charge;
    const period = settlement.budgetPeriodStart;
    if (period !== null && period !== undefined) entry.periods.set(period, (entry.periods.get(period) ?? 0n) + settlement.charge);
    byKey.set(keyId, entry);
  }
  // `spent` is read by key caches too, so its change bumps `updated_at` like any other update.
  const now = Date.now();
  for (const keyId of [...byKey.keys()].sort(compareStrings)) {
    const { total, periods } = byKey.get(keyId)!;
    const row = await transaction
      .updateTable('api_keys')
      .set({ spent: sql<bigint>`spent + ${total}`, updated_at: bumpedUpdatedAt(now) })
      .where('id', '=', keyId)
      .returning('spent')
      .executeTakeFirst();
    // A generation may name a key that no longer exists; its charge still stands on the account.
    if (!row) continue;
    assertExactInteger(row.spent, 'spent');
    for (const period of [...periods.keys()].sort((left, right) => left - right)) {
      const amount = periods.get(period)!;
      await transaction
        .updateTable('api_keys')
        .set({
          period_spent: sql<bigint>`case when period_start = ${period} then period_spent + ${amount} when period_start < ${period} then ${amount} else period_spent end`,
          period_start: sql<number>`case when period_start < ${period} then ${period} else period_start end`,
        })
        .where('id', '=', keyId)
        .execute();
    }
  }
}

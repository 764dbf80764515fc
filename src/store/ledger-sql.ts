/**
 * SQL helpers and insert shapes the ledger writes share; every query here runs unchanged on SQLite
 * and PostgreSQL (the inserts built from the shapes differ only in their placeholders).
 */
import { sql, type Insertable, type RawBuilder, type Selectable, type Transaction } from 'kysely';
import type { BatchInsertShape } from './batch-insert-statement.js';
import type {
  Database,
  GenerationsTable,
  LedgerEntriesTable,
  OpenHoldsTable,
} from './database-schema.js';

/**
 * Rows per multi-row insert: under SQLite's (32,766) and PostgreSQL's (65,535) bound-parameter
 * limits with the widest row (generations, 23 columns). Large, because each statement is a round
 * trip to PostgreSQL: a store 50 ms away stores a batch in a few of them, not dozens.
 */
export const INSERT_CHUNK_ROWS = 1000;

export async function moveBalance(transaction: Transaction<Database>, accountId: string, amount: bigint): Promise<void> {
  const row = await transaction
    .updateTable('accounts')
    .set({ balance: sql<bigint>`balance + ${amount}` })
    .where('id', '=', accountId)
    .returning('balance')
    .executeTakeFirst();
  if (!row) throw new Error(`no account ${accountId} to move the balance of`);
  assertExactInteger(row.balance, 'balance');
}

/** Moves each account's balance by its net amount, in a fixed order so batches never deadlock. */
export async function moveBalances(transaction: Transaction<Database>, amounts: ReadonlyMap<string, bigint>): Promise<void> {
  for (const accountId of [...amounts.keys()].sort()) {
    const amount = amounts.get(accountId)!;
    if (amount !== 0n) await moveBalance(transaction, accountId, amount);
  }
}

/**
 * SQLite turns integer arithmetic that overflows 64 bits into a float instead of failing
 * (PostgreSQL raises an error). Integers come back as bigint (SQLite, safe integers) or string
 * (PostgreSQL int8), so a plain number here is such a float; throwing rolls the transaction back.
 */
export function assertExactInteger(value: bigint | number | string, column: string): void {
  if (typeof value === 'number') throw new RangeError(`${column} would leave the 64-bit integer range`);
}

/** `at`, or one past the previous value when that is not older, so `updated_at` always grows. */
export function bumpedUpdatedAt(at: number): RawBuilder<number> {
  return sql<number>`case when updated_at >= ${at} then updated_at + 1 else ${at} end`;
}

/**
 * Chunk lengths the default chunking is made of. Batches come in every size, and a multi-row
 * statement's SQL text depends on its row count; built from a few fixed lengths, the same texts
 * come back batch after batch, so their prepared statements are reused (`sqlite-statement-cache.ts`).
 */
const STANDARD_CHUNK_ROWS = [INSERT_CHUNK_ROWS, 200, 100, 50, 20, 10, 5, 2, 1];

export function chunked<T>(items: readonly T[], size?: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  if (size !== undefined) {
    for (; start < items.length; start += size) chunks.push(items.slice(start, start + size));
    return chunks;
  }
  for (const length of STANDARD_CHUNK_ROWS) {
    while (items.length - start >= length) {
      chunks.push(items.slice(start, start + length));
      start += length;
    }
  }
  return chunks;
}

export function addAmount(totals: Map<string, bigint>, key: string, amount: bigint): void {
  totals.set(key, (totals.get(key) ?? 0n) + amount);
}

export function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Every column of a table's insert rows, in bind order: type-checks only when none is missing, so
 * a column added to the schema cannot be silently left out of the batch inserts.
 */
function everyColumnOf<Row>() {
  return <const Columns extends readonly (keyof Row & string)[]>(
    ...columns: Columns & MissingColumnsCheck<Exclude<keyof Row, Columns[number]>>
  ): Columns => columns;
}

type MissingColumnsCheck<Missing> = [Missing] extends [never] ? unknown : { missingColumns: Missing };

const LEDGER_ENTRY_COLUMNS = everyColumnOf<Insertable<LedgerEntriesTable>>()(
  'id',
  'account_id',
  'kind',
  'amount',
  'idempotency_key',
  'generation_id',
  'note',
  'created_at',
);

/** Ledger entries (holds, releases), returning the generation of each entry actually new. */
export const LEDGER_ENTRY_INSERT_RETURNING_GENERATION: BatchInsertShape<
  Insertable<LedgerEntriesTable>,
  Pick<Selectable<LedgerEntriesTable>, 'generation_id'>
> = {
  table: 'ledger_entries',
  columns: LEDGER_ENTRY_COLUMNS,
  conflictColumns: ['idempotency_key'],
  returning: ['generation_id'],
};

/** Ledger entries (charges), returning the account and amount of each entry actually new. */
export const LEDGER_ENTRY_INSERT_RETURNING_AMOUNT: BatchInsertShape<
  Insertable<LedgerEntriesTable>,
  Pick<Selectable<LedgerEntriesTable>, 'account_id' | 'amount'>
> = {
  table: 'ledger_entries',
  columns: LEDGER_ENTRY_COLUMNS,
  conflictColumns: ['idempotency_key'],
  returning: ['account_id', 'amount'],
};

/** Generation rows, returning the id of each one actually new. */
export const GENERATION_INSERT: BatchInsertShape<Insertable<GenerationsTable>, Pick<Selectable<GenerationsTable>, 'id'>> = {
  table: 'generations',
  columns: everyColumnOf<Insertable<GenerationsTable>>()(
    'id',
    'account_id',
    'key_id',
    'model',
    'provider',
    'channel',
    'endpoint',
    'status',
    'http_status',
    'error_code',
    'stream',
    'prompt_tokens',
    'completion_tokens',
    'cached_tokens',
    'cache_write_tokens',
    'reasoning_tokens',
    'usage_estimated',
    'cost',
    'latency_ms',
    'ttft_ms',
    'attempts',
    'created_at',
    'attempt_log',
  ),
  conflictColumns: ['id'],
  returning: ['id'],
};

export const OPEN_HOLD_INSERT: BatchInsertShape<Insertable<OpenHoldsTable>> = {
  table: 'open_holds',
  columns: everyColumnOf<Insertable<OpenHoldsTable>>()(
    'generation_id',
    'account_id',
    'key_id',
    'amount',
    'instance_id',
    'model',
    'endpoint',
    'stream',
    'created_at',
  ),
  conflictColumns: ['generation_id'],
  returning: [],
};

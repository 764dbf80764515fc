/** SQL helpers the ledger writes share; every query here runs unchanged on SQLite and PostgreSQL. */
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './database-schema.js';

/** Rows per multi-row insert: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const INSERT_CHUNK_ROWS = 200;

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

export function chunked<T>(items: readonly T[], size: number = INSERT_CHUNK_ROWS): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

export function addAmount(totals: Map<string, bigint>, key: string, amount: bigint): void {
  totals.set(key, (totals.get(key) ?? 0n) + amount);
}

export function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

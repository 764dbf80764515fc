/**
 * Reservations of credit and key budget for requests in flight: the atomic half of a hold. One
 * implementation per deployment shape: in memory for one gateway process, in Redis for several
 * (see `docs/decisions/0006-holds.md`).
 */
import type { LedgerRecord } from '../store/ledger-store.js';
import type { BudgetPeriod } from '../store/store.js';

/** What one request asks to reserve. */
export interface CreditClaim {
  accountId: string;
  /** Null only for a charge recorded without a key. */
  keyId: string | null;
  /** The key's budget, or null when it has none. */
  keyBudget: bigint | null;
  budgetPeriod: BudgetPeriod;
  /** Start of the key's current budget period; null for a total budget. */
  periodStart: number | null;
  /** Worst-case cost held; 0n when the request needs no hold. */
  amount: bigint;
}

export interface CreditReservations {
  /**
   * Reserves `claim.amount` when both the account's available credit and the key's available
   * budget cover it, in one atomic step; otherwise throws 402 `insufficient_credit`.
   */
  reserve(claim: CreditClaim): Promise<void>;
  /** The request ended: its hold is released and `charge` is owed, both journaled just now. */
  settled(claim: CreditClaim, charge: bigint): void;
  /** Records journaled by this process that the store has now confirmed. */
  stored(records: readonly LedgerRecord[]): void;
  /** The account's stored balance changed outside the request path (a top-up, a correction). */
  accountChanged(accountId: string): void;
  start(): void;
  close(): Promise<void>;
}

/** Reads a key's stored spending as it counts toward the period starting at `periodStart`. */
export function spendingInPeriod(
  stored: { spent: bigint; periodSpent: bigint; periodStart: number } | undefined,
  periodStart: number | null,
): bigint {
  if (!stored) return 0n;
  if (periodStart === null) return stored.spent;
  // An older stored period has reset; a newer one (a clock behind the store's) counts as is.
  return stored.periodStart < periodStart ? 0n : stored.periodSpent;
}

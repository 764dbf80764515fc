/**
 * The credit path's messages between a worker and the primary. JSON has no bigint, so amounts
 * travel as decimal strings; a stored batch travels as only what the reservations need of it.
 */
import { isOpenedHold, type LedgerRecord } from '../store/ledger-store.js';
import type { BudgetPeriod } from '../store/store.js';
import type { CreditClaim } from '../credit/credit-reservations.js';

/** Call, worker → primary: [claim, of the account?, of the budget?] → [account grant, budget grant]. */
export const CREDIT_LEASE = 'credit.lease';
/** Call, primary → worker: [accountId or '', budget key or null] → [account returned, budget returned]. */
export const CREDIT_TAKE_BACK = 'credit.takeBack';
/** Note, worker → primary: what a stored batch changed (`StoredChange[]`). */
export const CREDIT_STORED = 'credit.stored';
/** Note, worker → primary: an account's stored balance changed outside the request path. */
export const CREDIT_ACCOUNT_CHANGED = 'credit.accountChanged';

/** accountId, keyId, keyBudget, budgetPeriod, periodStart, amount. */
export type EncodedClaim = [string, string | null, string | null, BudgetPeriod, number | null, string];

/** What a stored record changes: a hold (`['h', accountId, amount]`) or a settlement. */
export type StoredChange =
  | ['h', string, string]
  /** accountId, keyId, held amount, charge, budget period start. */
  | ['s', string, string | null, string, string, number | null];

/** A key's budget in one budget period, as leases name it. */
export function budgetLeaseKey(keyId: string, periodStart: number | null): string {
  return `${keyId}\u0000${periodStart ?? 'total'}`;
}

export function encodeClaim(claim: CreditClaim): EncodedClaim {
  return [claim.accountId, claim.keyId, claim.keyBudget === null ? null : claim.keyBudget.toString(), claim.budgetPeriod, claim.periodStart, claim.amount.toString()];
}

export function decodeClaim(encoded: EncodedClaim): CreditClaim {
  const [accountId, keyId, keyBudget, budgetPeriod, periodStart, amount] = encoded;
  return { accountId, keyId, keyBudget: keyBudget === null ? null : BigInt(keyBudget), budgetPeriod, periodStart, amount: BigInt(amount) };
}

/**
 * What a stored batch changed, summed: one hold entry per account and one settlement entry per
 * account, key and budget period. The primary only adds these amounts up, so the sums change
 * exactly what the records one by one would, and a batch of a busy key travels as one entry
 * instead of hundreds. Records that move no amount (a free request) are left out.
 */
export function encodeStored(records: readonly LedgerRecord[]): StoredChange[] {
  const holds = new Map<string, bigint>();
  const settlements = new Map<string, SettlementSum>();
  for (const record of records) {
    if (isOpenedHold(record)) {
      const { accountId, amount } = record.hold;
      holds.set(accountId, (holds.get(accountId) ?? 0n) + amount);
      continue;
    }
    const held = record.heldAmount ?? 0n;
    if (held === 0n && record.charge === 0n) continue;
    const { accountId, keyId } = record.generation;
    const periodStart = record.budgetPeriodStart ?? null;
    const group = `${accountId}\u0000${keyId ?? ''}\u0000${keyId === null ? 'none' : (periodStart ?? 'total')}`;
    const sum = settlements.get(group);
    if (sum === undefined) settlements.set(group, { accountId, keyId, periodStart, held, charge: record.charge });
    else {
      sum.held += held;
      sum.charge += record.charge;
    }
  }
  const changes: StoredChange[] = [];
  for (const [accountId, amount] of holds) changes.push(['h', accountId, amount.toString()]);
  for (const sum of settlements.values()) {
    changes.push(['s', sum.accountId, sum.keyId, sum.held.toString(), sum.charge.toString(), sum.periodStart]);
  }
  return changes;
}

interface SettlementSum {
  accountId: string;
  keyId: string | null;
  periodStart: number | null;
  held: bigint;
  charge: bigint;
}

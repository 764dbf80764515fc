/**
 * A worker's `CreditReservations` when there is no Redis: it holds leases of accounts' credit
 * and keys' budgets granted by the primary (`CreditAuthority`), reserves against them and
 * settles into them on its own, and asks the primary only when a lease runs short (one round
 * trip, which also brings extra for the next requests while there is plenty). A stored batch is
 * one note; the primary can take back the unused part of a lease at any time.
 *
 * Per account and per key budget, the lease here is: what the primary granted, less what this
 * worker reserved, plus what its requests settled for less than their hold; the primary's view
 * of the lease also counts the holds and charges not stored yet. Both move down together when a
 * batch is stored, so neither side needs to hear of a single request.
 */
import { GatewayError } from '../core/index.js';
import type { CreditClaim, CreditReservations } from '../credit/credit-reservations.js';
import type { LedgerRecord } from '../store/ledger-store.js';
import { budgetLeaseKey, CREDIT_ACCOUNT_CHANGED, CREDIT_LEASE, CREDIT_STORED, CREDIT_TAKE_BACK, encodeClaim, encodeStored } from './credit-messages.js';
import { PeerGoneError, type IpcPeer } from './ipc-peer.js';

export class IpcCreditReservations implements CreditReservations {
  /** Unused credit leased, by account (negative: a charge ran over its hold). */
  private readonly accounts = new Map<string, bigint>();
  /** Unused budget leased, by budget key; an entry stays once leased (see `CreditAuthority`). */
  private readonly budgets = new Map<string, bigint>();

  constructor(private readonly primary: IpcPeer) {
    primary.onCall(CREDIT_TAKE_BACK, async (payload) => {
      // A grant that arrived with this call is counted first (its request resumes in a later
      // microtask), so that the primary gets it back too.
      await new Promise((resolve) => setImmediate(resolve));
      const [accountId, budgetKey] = payload as [string, string | null];
      const account = accountId === '' ? 0n : unused(this.accounts.get(accountId));
      if (account > 0n) this.accounts.delete(accountId);
      const budget = budgetKey === null ? 0n : unused(this.budgets.get(budgetKey));
      if (budget > 0n) this.budgets.set(budgetKey!, 0n);
      return [account.toString(), budget.toString()];
    });
  }

  async reserve(claim: CreditClaim): Promise<void> {
    const budgetKey = claim.keyBudget !== null && claim.keyId !== null ? budgetLeaseKey(claim.keyId, claim.periodStart) : null;
    const accountCovered = (this.accounts.get(claim.accountId) ?? 0n) >= claim.amount;
    const budgetCovered = budgetKey === null || (this.budgets.get(budgetKey) ?? 0n) >= claim.amount;
    // What the leases cover is taken now, in the same synchronous step as the check.
    if (accountCovered) addToAccount(this.accounts, claim.accountId, -claim.amount);
    if (budgetKey !== null && budgetCovered) addToBudget(this.budgets, budgetKey, -claim.amount);
    if (accountCovered && budgetCovered) return;
    let granted: [string, string];
    try {
      granted = await this.primary.call<[string, string]>(CREDIT_LEASE, [encodeClaim(claim), !accountCovered, !budgetCovered]);
    } catch (error) {
      if (accountCovered) addToAccount(this.accounts, claim.accountId, claim.amount);
      if (budgetKey !== null && budgetCovered) addToBudget(this.budgets, budgetKey, claim.amount);
      if (error instanceof PeerGoneError) throw new GatewayError('internal_error', 'The credit service is unavailable; try again shortly.');
      throw error;
    }
    if (!accountCovered) addToAccount(this.accounts, claim.accountId, BigInt(granted[0]) - claim.amount);
    if (!budgetCovered) addToBudget(this.budgets, budgetKey!, BigInt(granted[1]) - claim.amount);
  }

  /** What the hold did not use goes back to the leases (a charge above it takes more). */
  settled(claim: CreditClaim, charge: bigint): void {
    addToAccount(this.accounts, claim.accountId, claim.amount - charge);
    if (claim.keyId === null) return;
    // Only a budget this worker leased counts its charges (the primary does the same).
    const budgetKey = budgetLeaseKey(claim.keyId, claim.periodStart);
    if (this.budgets.has(budgetKey)) addToBudget(this.budgets, budgetKey, claim.amount - charge);
  }

  stored(records: readonly LedgerRecord[]): void {
    const changes = encodeStored(records);
    if (changes.length > 0) this.primary.notify(CREDIT_STORED, changes);
  }

  accountChanged(accountId: string): void {
    this.primary.notify(CREDIT_ACCOUNT_CHANGED, accountId);
  }

  start(): void {}

  async close(): Promise<void> {
    this.primary.flush();
  }
}

/** What can be given back of a lease: its unused part, never a debt left by an overrun. */
function unused(lease: bigint | undefined): bigint {
  return lease !== undefined && lease > 0n ? lease : 0n;
}

function addToAccount(leases: Map<string, bigint>, accountId: string, amount: bigint): void {
  const next = (leases.get(accountId) ?? 0n) + amount;
  if (next === 0n) leases.delete(accountId);
  else leases.set(accountId, next);
}

/** A budget's entry stays at zero: it says this worker leased the budget. */
function addToBudget(leases: Map<string, bigint>, key: string, amount: bigint): void {
  leases.set(key, (leases.get(key) ?? 0n) + amount);
}

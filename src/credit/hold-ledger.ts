/**
 * The credit path of a request: hold its worst case before it goes upstream, then release the
 * hold and record the actual charge as one step. Both steps are journaled (one line each) and
 * reach the store in the settlement writer's batches, so the request path never waits on the
 * database; the reservation itself is atomic in memory or in Redis (`CreditReservations`).
 */
import type { Caller } from '../accounts/api-key-authenticator.js';
import type { HoldRecord, LedgerSettlement } from '../store/ledger-store.js';
import { budgetPeriodStart } from './budget-period.js';
import type { CreditClaim, CreditReservations } from './credit-reservations.js';

export interface HoldRequest {
  caller: Caller;
  generationId: string;
  endpoint: string;
  model: string;
  stream: boolean;
  /** The worst-case cost; 0n or less takes no hold. */
  amount: bigint;
}

/** A hold taken for one request; settle it exactly once. */
export interface HoldTicket {
  readonly generationId: string;
  readonly amount: bigint;
  readonly claim: CreditClaim;
}

/** What the request pipeline needs of the ledger. */
export interface RequestLedger {
  /** Holds the request's worst case, or throws 402 `insufficient_credit`; null when nothing needs holding. */
  hold(request: HoldRequest): Promise<HoldTicket | null>;
  /**
   * Records the end of a request: its generation, the release of its hold and its charge, in one
   * journal record. Throws when the ticket was settled already.
   */
  settle(settlement: LedgerSettlement, ticket: HoldTicket | null): void;
}

export interface LedgerJournal {
  record(settlement: LedgerSettlement): void;
  recordHold(hold: HoldRecord): void;
}

export interface HoldLedgerOptions {
  journal: LedgerJournal;
  reservations: CreditReservations;
  /** This gateway process, written on each hold (see `instance-identity.ts`). */
  instanceId: string;
  now?: () => number;
}

export class HoldLedger implements RequestLedger {
  private readonly now: () => number;
  private readonly settled = new WeakSet<HoldTicket>();

  constructor(private readonly options: HoldLedgerOptions) {
    this.now = options.now ?? Date.now;
  }

  async hold(request: HoldRequest): Promise<HoldTicket | null> {
    if (request.amount <= 0n) return null;
    const { key, account } = request.caller;
    const createdAt = this.now();
    const budgetPeriod = key.budgetPeriod ?? 'total';
    const claim: CreditClaim = {
      accountId: account.id,
      keyId: key.id,
      keyBudget: key.budget,
      budgetPeriod,
      periodStart: budgetPeriodStart(budgetPeriod, createdAt),
      amount: request.amount,
    };
    await this.options.reservations.reserve(claim);
    try {
      this.options.journal.recordHold({
        generationId: request.generationId,
        accountId: account.id,
        keyId: key.id,
        amount: request.amount,
        instanceId: this.options.instanceId,
        model: request.model,
        endpoint: request.endpoint,
        stream: request.stream,
        createdAt,
      });
    } catch (error) {
      // Not journaled (the writer stopped): the reservation must not outlive the request.
      this.options.reservations.settled(claim, 0n);
      throw error;
    }
    return { generationId: request.generationId, amount: request.amount, claim };
  }

  settle(settlement: LedgerSettlement, ticket: HoldTicket | null): void {
    if (ticket) {
      if (this.settled.has(ticket)) throw new Error(`the hold of ${ticket.generationId} was settled already`);
      this.settled.add(ticket);
      this.options.reservations.settled(ticket.claim, settlement.charge);
      this.options.journal.record({ ...settlement, heldAmount: ticket.amount, budgetPeriodStart: ticket.claim.periodStart });
      return;
    }
    if (settlement.charge > 0n) {
      // A charge without a hold (prices changed while the request ran): still counted as pending.
      const { accountId, keyId } = settlement.generation;
      this.options.reservations.settled({ accountId, keyId, keyBudget: null, budgetPeriod: 'total', periodStart: null, amount: 0n }, settlement.charge);
    }
    this.options.journal.record(settlement);
  }
}

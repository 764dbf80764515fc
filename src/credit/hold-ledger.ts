/**
 * The credit path of a request: hold its worst case before it goes upstream, then release the
 * hold and record the actual charge as one step. The reservation itself is atomic in memory or
 * in Redis (`CreditReservations`); the journal and the settlement writer's batches take both
 * steps to the store, so the request path never waits on the database.
 *
 * A hold is journaled only once its request has run for `journalHoldsAfterMs`: most requests
 * settle sooner, and then the settlement alone is journaled and stored (no hold or release
 * entry, which would cancel out). A hold matters in the store only for a request the process
 * dies during, so that the next start can log it as interrupted; a request younger than the
 * delay that dies with the process leaves no record, and nothing was charged for it.
 */
import type { Caller } from '../accounts/api-key-authenticator.js';
import type { HoldRecord, JournalWritten, LedgerSettlement } from '../store/ledger-store.js';
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
   * journal record. Throws when the ticket was settled already. The promise resolves once the
   * record is in the journal (null: it already is); the client's answer waits for it, so that no
   * answered request goes unbilled when the process dies.
   */
  settle(settlement: LedgerSettlement, ticket: HoldTicket | null): JournalWritten;
}

export interface LedgerJournal {
  record(settlement: LedgerSettlement): JournalWritten;
  recordHold(hold: HoldRecord): void;
}

export interface HoldLedgerOptions {
  journal: LedgerJournal;
  reservations: CreditReservations;
  /** This gateway process, written on each hold (see `instance-identity.ts`). */
  instanceId: string;
  /** A hold is journaled when its request is still running after this long (0: at once). */
  journalHoldsAfterMs?: number;
  now?: () => number;
  /** A deferred hold the journal refused (the writer stopped); its request goes on. */
  onError?: (error: unknown) => void;
}

const DEFAULT_JOURNAL_HOLDS_AFTER_MS = 100;

/**
 * A ticket as this ledger issues it: whether it was settled, and while its hold waits to be
 * journaled, the hold and its place in the waiting list. Kept on the ticket rather than in a
 * `WeakSet` and a `Map` by generation id, which cost about 2 µs a request between them.
 */
class IssuedTicket implements HoldTicket {
  settled = false;
  /** The hold while it waits to be journaled; null once journaled, or settled first. */
  waiting: HoldRecord | null = null;
  previous: IssuedTicket | null = null;
  next: IssuedTicket | null = null;

  constructor(
    readonly generationId: string,
    readonly amount: bigint,
    readonly claim: CreditClaim,
  ) {}
}

/** Tickets whose holds wait to be journaled, oldest first; any one leaves in constant time. */
class WaitingTickets {
  private head: IssuedTicket | null = null;
  private tail: IssuedTicket | null = null;

  get oldest(): IssuedTicket | null {
    return this.head;
  }

  add(ticket: IssuedTicket, hold: HoldRecord): void {
    ticket.waiting = hold;
    ticket.previous = this.tail;
    if (this.tail) this.tail.next = ticket;
    else this.head = ticket;
    this.tail = ticket;
  }

  /** Takes the ticket out; returns whether it was waiting. */
  remove(ticket: IssuedTicket): boolean {
    if (ticket.waiting === null) return false;
    if (ticket.previous) ticket.previous.next = ticket.next;
    else this.head = ticket.next;
    if (ticket.next) ticket.next.previous = ticket.previous;
    else this.tail = ticket.previous;
    ticket.waiting = null;
    ticket.previous = null;
    ticket.next = null;
    return true;
  }
}

export class HoldLedger implements RequestLedger {
  private readonly now: () => number;
  private readonly journalHoldsAfterMs: number;
  private readonly waiting = new WaitingTickets();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(private readonly options: HoldLedgerOptions) {
    this.now = options.now ?? Date.now;
    this.journalHoldsAfterMs = Math.max(0, options.journalHoldsAfterMs ?? DEFAULT_JOURNAL_HOLDS_AFTER_MS);
  }

  /** Journals every hold still waiting (at shutdown, or to make a test deterministic). */
  journalWaitingHolds(): void {
    this.sweep(Number.POSITIVE_INFINITY);
  }

  close(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.journalWaitingHolds();
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
    const record: HoldRecord = {
      generationId: request.generationId,
      accountId: account.id,
      keyId: key.id,
      amount: request.amount,
      instanceId: this.options.instanceId,
      model: request.model,
      endpoint: request.endpoint,
      stream: request.stream,
      createdAt,
    };
    const ticket = new IssuedTicket(request.generationId, request.amount, claim);
    if (this.journalHoldsAfterMs === 0) {
      try {
        this.options.journal.recordHold(record);
      } catch (error) {
        // Not journaled (the writer stopped): the reservation must not outlive the request.
        this.options.reservations.settled(claim, 0n);
        throw error;
      }
    } else {
      this.waiting.add(ticket, record);
      this.startSweeper();
    }
    return ticket;
  }

  settle(settlement: LedgerSettlement, ticket: HoldTicket | null): JournalWritten {
    if (ticket) {
      if (!(ticket instanceof IssuedTicket)) throw new TypeError(`the hold of ${ticket.generationId} was not taken by this ledger`);
      if (ticket.settled) throw new Error(`the hold of ${ticket.generationId} was settled already`);
      ticket.settled = true;
      this.options.reservations.settled(ticket.claim, settlement.charge);
      // A hold never journaled is never stored, so there is nothing to release in the store.
      const heldInStore = !this.waiting.remove(ticket);
      // Copied field by field: a spread followed by new fields is V8's slow path (about 1 µs).
      const settled: LedgerSettlement = { generation: settlement.generation, charge: settlement.charge, budgetPeriodStart: ticket.claim.periodStart };
      if (heldInStore) settled.heldAmount = ticket.amount;
      if (settlement.attemptLog !== undefined) settled.attemptLog = settlement.attemptLog;
      return this.options.journal.record(settled);
    }
    if (settlement.charge > 0n) {
      // A charge without a hold (prices changed while the request ran): still counted as pending.
      const { accountId, keyId } = settlement.generation;
      this.options.reservations.settled({ accountId, keyId, keyBudget: null, budgetPeriod: 'total', periodStart: null, amount: 0n }, settlement.charge);
    }
    return this.options.journal.record(settlement);
  }

  private startSweeper(): void {
    if (this.sweeper) return;
    const every = Math.max(10, Math.round(this.journalHoldsAfterMs / 2));
    this.sweeper = setInterval(() => this.sweep(this.now() - this.journalHoldsAfterMs), every);
    this.sweeper.unref();
  }

  /** Journals the waiting holds taken at or before `takenBy`. */
  private sweep(takenBy: number): void {
    for (let ticket = this.waiting.oldest; ticket !== null; ticket = this.waiting.oldest) {
      const hold = ticket.waiting!;
      if (hold.createdAt > takenBy) break;
      try {
        this.options.journal.recordHold(hold);
      } catch (error) {
        // The writer stopped: the hold stays unjournaled, so its settlement releases nothing.
        this.options.onError?.(error);
        return;
      }
      this.waiting.remove(ticket);
    }
    if (this.waiting.oldest === null && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }
}

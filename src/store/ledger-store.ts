/**
 * The ledger side of the store: settling finished requests together with the holds taken before
 * they went upstream, the snapshots of balances and key spending that the credit guard caches,
 * open holds and their release, and the verification of the ledger invariant.
 *
 * Every ledger entry moves its account's materialised balance by its own amount in the same
 * transaction, so a balance is always the sum of its entries, holds and releases included.
 */
import type { BalanceDiscrepancy, LedgerEntry, Settlement } from './store.js';

/** The worst-case cost of a request, held before it went upstream. */
export interface HoldRecord {
  generationId: string;
  accountId: string;
  keyId: string | null;
  /** Positive amount held, in units of 10^-12 USD. */
  amount: bigint;
  /** The gateway process that took it (see `docs/decisions/0006-holds.md`). */
  instanceId: string;
  model: string;
  endpoint: string;
  stream: boolean;
  createdAt: number;
}

/** A journal record: a hold was taken (ledger entry `hold:<generation id>`). */
export interface OpenedHold {
  hold: HoldRecord;
}

export type AttemptStatus = 'success' | 'error' | 'cancelled';

/** Resolves once a record is in the settlement journal (the OS has it); null when it already is. */
export type JournalWritten = Promise<void> | null;

/** One upstream attempt of a generation: which channel, how it ended, how long it took. */
export interface AttemptRecord {
  /** 1 for the first channel tried. */
  attempt: number;
  channel: string | null;
  provider: string | null;
  model: string;
  status: AttemptStatus;
  /** The HTTP status the upstream answered, when it answered. */
  upstreamStatus: number | null;
  errorCode: string | null;
  /** The error as adapters report it (credentials already scrubbed); at most 500 characters. */
  errorMessage: string | null;
  latencyMs: number;
  startedAt: number;
}

/**
 * A settlement as the gateway writes it: the generation and its charge, plus the hold it releases
 * in the same step, the start of the key's budget period it counts toward, and its attempts.
 */
export interface LedgerSettlement extends Settlement {
  /** The amount held for this generation; its release is written with the charge. 0n or absent: none. */
  heldAmount?: bigint;
  /** Start (ms, UTC) of the key's budget period the charge counts toward; null or absent for a total budget. */
  budgetPeriodStart?: number | null;
  attemptLog?: AttemptRecord[];
}

/** What the settlement journal and `settle` carry: holds taken and requests settled. */
export type LedgerRecord = LedgerSettlement | OpenedHold;

export function isOpenedHold(record: LedgerRecord): record is OpenedHold {
  return 'hold' in record && !('generation' in record);
}

/** A key's spending as stored: in total, and within the period that started at `periodStart`. */
export interface StoredKeySpending {
  spent: bigint;
  periodSpent: bigint;
  periodStart: number;
}

export interface LedgerVerification {
  /** Accounts whose balance differs from the sum of their entries. */
  discrepancies: BalanceDiscrepancy[];
  /** Holds taken and not released yet (requests in flight, or left by a crash until reconciled). */
  openHolds: number;
}

export interface OpenHoldFilter {
  /** Only holds taken by these gateway processes. */
  instanceIds?: string[];
  /** Only holds taken before this time (ms). */
  createdBefore?: number;
}

export interface ReleaseOptions {
  /** Written on each release entry. */
  note: string;
  at: number;
  /** Also log each released request as an interrupted generation (when it is known to be dead). */
  recordInterrupted: boolean;
}

/** The reads behind the credit snapshots: stored balances and key spending, by id. */
export type LedgerSnapshotReads = Pick<LedgerStore, 'readBalances' | 'readKeySpending'>;

export interface LedgerStore {
  /**
   * Stores records in one transaction: hold entries (`hold:<id>`, −amount), generations, their
   * attempts, release entries (`release:<id>`, +the amount actually held and still open) and charge
   * entries (`charge:<id>`), balances, keys' `spent` and period spending. Idempotent: a hold or a
   * generation already stored is skipped, a hold is released at most once, and a release is
   * written only for a hold that is stored. Returns how many generations were new.
   */
  settle(records: LedgerRecord[]): Promise<number>;
  /** Materialised balances of these accounts (absent ids are left out). */
  readBalances(accountIds: readonly string[]): Promise<Map<string, bigint>>;
  readKeySpending(keyIds: readonly string[]): Promise<Map<string, StoredKeySpending>>;
  listOpenHolds(filter?: OpenHoldFilter): Promise<HoldRecord[]>;
  /** Releases these holds if still open; returns how many were released. */
  releaseHolds(generationIds: readonly string[], options: ReleaseOptions): Promise<number>;
  verify(): Promise<LedgerVerification>;
  listAttempts(generationId: string): Promise<AttemptRecord[]>;
  /** The ledger entries of one generation (hold, release, charge, refund), oldest first. */
  listEntriesOfGeneration(generationId: string): Promise<LedgerEntry[]>;
}

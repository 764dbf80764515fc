/** The settlement writer's options and metrics (`settlement-writer.ts`). */
import type { Settlement } from '../store/store.js';
import type { LedgerRecord } from '../store/ledger-store.js';
import type { SettlementJournal } from './settlement-journal.js';

/** Where batches go: `Store.settle`, which also takes the journal's hold records. */
export interface LedgerWriteTarget {
  /**
   * `journalLines`, when given, is the batch's journal lines in batch order, each ending in "\n",
   * as UTF-8 in a buffer of its own, for a target that moves the batch more cheaply as bytes (it
   * may take the buffer's memory); a target may ignore it.
   */
  settle(batch: LedgerRecord[], journalLines?: Uint8Array): Promise<number>;
}

export interface SettlementWriterOptions {
  store: LedgerWriteTarget;
  journal: SettlementJournal;
  /** How often waiting records go to the store when fewer than `maxBatch` wait (default 500 ms). */
  flushIntervalMs?: number;
  /** Records that make a batch go at once, without waiting for the interval (default 500). */
  maxBatch?: number;
  maxQueued?: number;
  /** First retry delay after a failed store call; doubles per failure up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /**
   * Whether a record goes to the journal as it is recorded rather than with the others of its
   * turn of the event loop (`journal-append-group.ts`): true when no other can join it, as when
   * one request is in flight. Unset: always with its turn.
   */
  writeAtOnce?: () => boolean;
  /** Called after the store confirmed a settlement (new or already stored). */
  onSettled?: (settlement: Settlement) => void;
  /** Called after each confirmed batch with the records of this run in it (not those read back from earlier runs). */
  onStored?: (records: readonly LedgerRecord[]) => void;
  /** Store failures and hook errors, for logging; the writer keeps going. */
  onError?: (error: unknown) => void;
}

export interface SettlementWriterMetrics {
  /** Settlements held in memory, waiting for the store. */
  queued: number;
  /** Settlements of this run waiting only in the journal (queue was full). */
  journalOnly: number;
  /** Settlements the store confirmed since start. */
  flushedTotal: number;
  /** Store calls that failed. */
  failedFlushes: number;
  /** Store calls made. */
  storeCalls: number;
  /** Undecodable journal lines skipped while reading back (torn or damaged). */
  skippedJournalLines: number;
  /** Appends the journal refused (e.g. disk full); those settlements were kept in memory only. */
  journalFailures: number;
}

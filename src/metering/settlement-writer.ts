/**
 * Takes finished requests' settlements, and the holds taken before requests went upstream, off
 * the request path and stores them in batches.
 *
 * `record` and `recordHold` cost one synchronous journal append and an array push; batches go to
 * `store.settle` every `flushIntervalMs`, or sooner when `maxBatch` are waiting. A failing store
 * keeps its batch, which is retried with exponential backoff. The in-memory queue holds at most
 * `maxQueued` settlements: beyond that they live only in the journal (already durable) and are
 * read back from it, in order, as the queue drains — memory stays bounded however long the
 * store stalls. A journal segment is deleted once every settlement in it is confirmed.
 */
import type { Settlement } from '../store/store.js';
import { isOpenedHold, type HoldRecord, type LedgerRecord, type LedgerSettlement } from '../store/ledger-store.js';
import type { JournalPosition, SettlementJournal } from './settlement-journal.js';
import { encodeSettlementLine } from './settlement-line.js';

/** Where batches go: `Store.settle`, which also takes the journal's hold records. */
export interface LedgerWriteTarget {
  /**
   * `encodedLines[i]` is `batch[i]` as its journal line (undefined where there is none), for a
   * target that moves the batch more cheaply as text; a target may ignore them.
   */
  settle(batch: LedgerRecord[], encodedLines?: readonly (string | undefined)[]): Promise<number>;
}

export interface SettlementWriterOptions {
  store: LedgerWriteTarget;
  journal: SettlementJournal;
  flushIntervalMs?: number;
  maxBatch?: number;
  maxQueued?: number;
  /** First retry delay after a failed store call; doubles per failure up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
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

interface QueuedRecord {
  record: LedgerRecord;
  /** The record's journal line; undefined when it could not be encoded. */
  line: string | undefined;
  /** Journal segment holding it; null when the journal append failed. */
  segment: number | null;
  /** Recorded by this process (false: read back from a segment left by an earlier run). */
  live: boolean;
}

interface SegmentState {
  /** Settlements in the segment known and not yet confirmed. */
  outstanding: number;
  /** Left by an earlier run: its settlements are counted as they are read back. */
  countedOnRead: boolean;
  /** Some of it has not been read back yet (earlier runs' segments only). */
  unread: boolean;
}

export class SettlementWriter {
  private readonly store: LedgerWriteTarget;
  private readonly journal: SettlementJournal;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxQueued: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly onSettled: ((settlement: Settlement) => void) | undefined;
  private readonly storedListeners: Array<(records: readonly LedgerRecord[]) => void> = [];
  private readonly onError: ((error: unknown) => void) | undefined;

  private queue: QueuedRecord[] = [];
  private queueHead = 0;
  /** First journal position whose settlements are not in memory; null when all are. */
  private backlog: JournalPosition | null = null;
  private readonly segmentStates = new Map<number, SegmentState>();
  private readonly pendingByAccount = new Map<string, bigint>();

  private recordedLive = 0;
  private confirmedLive = 0;
  private journalOnly = 0;
  private flushedTotal = 0;
  private failedFlushes = 0;
  private storeCalls = 0;
  private skippedJournalLines = 0;
  private journalFailures = 0;
  private consecutiveFailures = 0;
  private retryAt = 0;

  private journalPrepared = false;
  private started = false;
  private closing = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private backgroundRunning = false;
  private kickScheduled = false;
  /** Serialises store calls: one batch at a time, in order. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();

  constructor(options: SettlementWriterOptions) {
    this.store = options.store;
    this.journal = options.journal;
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.maxBatch = Math.max(1, options.maxBatch ?? 500);
    this.maxQueued = Math.max(this.maxBatch, options.maxQueued ?? 50_000);
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.onSettled = options.onSettled;
    if (options.onStored) this.storedListeners.push(options.onStored);
    this.onError = options.onError;
  }

  /**
   * Opens the journal and stores what earlier runs left in it, before anything new is accepted.
   * Rejects when the store fails; the leftovers stay in the journal and `start` may be called again.
   */
  async start(): Promise<void> {
    if (this.started) return;
    if (this.closed) throw new Error('settlement writer is closed');
    if (!this.journalPrepared) this.prepareJournal();
    while (this.hasWork()) await this.exclusive(() => this.settleOneBatch());
    // Earlier runs' segments are gone before anything new is accepted.
    await this.journal.removalsFinished();
    this.started = true;
    this.timer = setInterval(() => this.runInBackground(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Durably notes a finished request and queues it for the store. Never waits. */
  record(settlement: LedgerSettlement): void {
    this.append(settlement);
  }

  /** Durably notes a hold taken before a request goes upstream. Never waits. */
  recordHold(hold: HoldRecord): void {
    this.append({ hold });
  }

  private append(record: LedgerRecord): void {
    if (!this.started || this.closed) throw new Error('settlement writer is not running');
    let position: JournalPosition | null = null;
    let line: string | undefined;
    try {
      line = encodeSettlementLine(record);
      position = this.journal.appendLine(line);
    } catch (error) {
      // Disk full or failing: the charge must still reach the store, so memory keeps the only
      // copy (even past maxQueued); it is lost only if the process dies before the flush.
      this.journalFailures += 1;
      this.report(error);
    }
    this.addPending(record, 1n);
    this.recordedLive += 1;
    if (position === null) {
      this.queue.push({ record, line, segment: null, live: true });
    } else {
      this.stateOf(position.segment).outstanding += 1;
      if (this.backlog === null && this.queueLength < this.maxQueued) {
        this.queue.push({ record, line, segment: position.segment, live: true });
      } else {
        // Everything after the first journal-only settlement stays in the journal too, so that
        // reading back in order eventually catches up with the writing end.
        this.backlog ??= position;
        this.journalOnly += 1;
      }
    }
    if (this.queueLength >= this.maxBatch) this.scheduleRun();
  }

  /**
   * What the records not yet confirmed by the store will take from this account's balance: their
   * holds and charges, less the holds those settlements release (so it may be negative).
   */
  pendingCharges(accountId: string): bigint {
    return this.pendingByAccount.get(accountId) ?? 0n;
  }

  /** Adds a listener told of each confirmed batch's records of this run (as `onStored`). */
  addStoredListener(listener: (records: readonly LedgerRecord[]) => void): void {
    this.storedListeners.push(listener);
  }

  /**
   * Runs `task` between two store batches, never during one: a read of balances made there sees
   * exactly the records confirmed so far, which is what keeps cached balances consistent.
   */
  whenIdle<T>(task: () => Promise<T>): Promise<T> {
    return this.exclusive(task);
  }

  /** Resolves when every settlement recorded before the call is stored; rejects on store failure. */
  async flush(): Promise<void> {
    const target = this.recordedLive;
    while (this.confirmedLive < target && this.hasWork()) {
      await this.exclusive(() => this.settleOneBatch());
    }
  }

  /** Final flush, then closes the journal. A failed final flush leaves its settlements in the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    let failure: unknown = null;
    try {
      if (this.started) await this.flush();
      await this.exclusiveTail;
    } catch (error) {
      failure = error;
    }
    this.closed = true;
    this.journal.close();
    this.deleteConfirmedSegments();
    await this.journal.removalsFinished();
    if (failure !== null) throw failure;
  }

  get metrics(): SettlementWriterMetrics {
    return {
      queued: this.queueLength,
      journalOnly: this.journalOnly,
      flushedTotal: this.flushedTotal,
      failedFlushes: this.failedFlushes,
      storeCalls: this.storeCalls,
      skippedJournalLines: this.skippedJournalLines,
      journalFailures: this.journalFailures,
    };
  }

  private prepareJournal(): void {
    this.journal.open();
    const leftovers = this.journal.leftoverSegments();
    for (const segment of leftovers) {
      this.segmentStates.set(segment, { outstanding: 0, countedOnRead: true, unread: true });
    }
    const first = leftovers[0];
    if (first !== undefined) this.backlog = { segment: first, offset: 0 };
    this.journalPrepared = true;
  }

  private get queueLength(): number {
    return this.queue.length - this.queueHead;
  }

  private hasWork(): boolean {
    return this.queueLength > 0 || this.backlog !== null;
  }

  private stateOf(segment: number): SegmentState {
    let state = this.segmentStates.get(segment);
    if (!state) {
      state = { outstanding: 0, countedOnRead: false, unread: false };
      this.segmentStates.set(segment, state);
    }
    return state;
  }

  private addPending(record: LedgerRecord, sign: 1n | -1n): void {
    const amount = isOpenedHold(record) ? record.hold.amount : record.charge - (record.heldAmount ?? 0n);
    if (amount === 0n) return;
    const accountId = isOpenedHold(record) ? record.hold.accountId : record.generation.accountId;
    const next = (this.pendingByAccount.get(accountId) ?? 0n) + sign * amount;
    if (next === 0n) this.pendingByAccount.delete(accountId);
    else this.pendingByAccount.set(accountId, next);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.exclusiveTail.then(task);
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  private scheduleRun(): void {
    if (this.kickScheduled || this.backgroundRunning) return;
    this.kickScheduled = true;
    // Deferred, so that the store call never runs inside `record` on the request path.
    setImmediate(() => {
      this.kickScheduled = false;
      this.runInBackground();
    });
  }

  private runInBackground(): void {
    if (this.backgroundRunning || this.closing || !this.started || Date.now() < this.retryAt) return;
    if (!this.hasWork()) return;
    this.backgroundRunning = true;
    void (async () => {
      try {
        // One batch per tick, more only while full batches wait: a batch has a fixed cost (its
        // transaction and the flush to disk), so chasing every few new records in small batches
        // cost more than the records themselves.
        while (this.hasWork() && !this.closing) {
          await this.exclusive(() => this.settleOneBatch());
          if (this.queueLength < this.maxBatch && this.backlog === null) break;
        }
      } catch {
        // Already counted and reported in settleOneBatch; the timer retries after the backoff.
      } finally {
        this.backgroundRunning = false;
      }
    })();
  }

  /** Moves journal-only settlements into the queue, in order, as far as the queue has room. */
  private refillFromJournal(): void {
    while (this.backlog !== null && this.queueLength < this.maxQueued) {
      const cursor = this.backlog;
      const state = this.stateOf(cursor.segment);
      const read = this.journal.readSegment(cursor.segment, cursor.offset, this.maxQueued - this.queueLength);
      this.skippedJournalLines += read.skippedLines;
      for (const [index, record] of read.records.entries()) {
        this.queue.push({ record, line: read.lines[index], segment: cursor.segment, live: !state.countedOnRead });
        if (state.countedOnRead) {
          state.outstanding += 1;
          this.addPending(record, 1n);
        } else {
          this.journalOnly -= 1;
        }
      }
      if (!read.complete) {
        this.backlog = { segment: cursor.segment, offset: read.nextOffset };
        continue;
      }
      state.unread = false;
      if (cursor.segment === this.journal.currentSegment) {
        this.backlog = null;
        break;
      }
      const next = this.journal.segmentAfter(cursor.segment);
      this.backlog = next === null ? null : { segment: next, offset: 0 };
    }
  }

  private async settleOneBatch(): Promise<void> {
    this.refillFromJournal();
    if (this.queueLength === 0) {
      this.deleteConfirmedSegments();
      return;
    }
    // Behind (a slow or recovering store): bigger batches, since a batch costs round trips, not
    // rows — a store 50 ms away otherwise stores fewer settlements a second than arrive.
    const behind = this.queueLength >= 4 * this.maxBatch || this.backlog !== null;
    const batch = this.queue.slice(this.queueHead, this.queueHead + (behind ? 8 * this.maxBatch : this.maxBatch));
    // Sealing the segment now lets it be deleted as soon as what it holds is confirmed.
    if (this.journal.currentSegmentRecords > 0) this.journal.rotate();
    this.storeCalls += 1;
    try {
      await this.store.settle(batch.map((item) => item.record), batch.map((item) => item.line));
    } catch (error) {
      this.failedFlushes += 1;
      this.consecutiveFailures += 1;
      const delay = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.consecutiveFailures - 1));
      this.retryAt = Date.now() + delay;
      this.report(error);
      throw error;
    }
    this.consecutiveFailures = 0;
    this.retryAt = 0;
    this.dropFromQueue(batch.length);
    for (const item of batch) {
      const state = item.segment === null ? undefined : this.segmentStates.get(item.segment);
      if (state) state.outstanding -= 1;
      this.addPending(item.record, -1n);
      if (item.live) this.confirmedLive += 1;
    }
    this.flushedTotal += batch.length;
    this.deleteConfirmedSegments();
    if (this.storedListeners.length > 0) {
      const records = batch.filter((item) => item.live).map((item) => item.record);
      for (const listener of this.storedListeners) {
        try {
          listener(records);
        } catch (error) {
          this.report(error);
        }
      }
    }
    if (this.onSettled) {
      for (const item of batch) {
        if (isOpenedHold(item.record)) continue;
        try {
          this.onSettled(item.record);
        } catch (error) {
          this.report(error);
        }
      }
    }
  }

  private dropFromQueue(count: number): void {
    this.queueHead += count;
    // Compacting only when the dead prefix dominates keeps removal amortised O(1).
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private deleteConfirmedSegments(): void {
    for (const [segment, state] of this.segmentStates) {
      if (segment === this.journal.currentSegment) continue;
      if (state.outstanding > 0 || state.unread) continue;
      if (this.backlog !== null && this.backlog.segment <= segment) continue;
      this.journal.deleteSegment(segment);
      this.segmentStates.delete(segment);
    }
  }

  private report(error: unknown): void {
    try {
      this.onError?.(error);
    } catch {
      // A failing logger must not break settling.
    }
  }
}

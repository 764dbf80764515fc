/**
 * Takes finished requests' settlements, and the holds taken before requests went upstream, off
 * the request path and stores them in batches.
 *
 * `record` and `recordHold` encode the record and add it to this turn's journal append group (one
 * synchronous write for every record of the turn, `journal-append-group.ts`); batches go to
 * `store.settle` every `flushIntervalMs`, or sooner when `maxBatch` are waiting. A failing store
 * keeps its batch, which is retried with exponential backoff. The in-memory queue holds at most
 * `maxQueued` settlements: beyond that they live only in the journal (already durable) and are
 * read back from it, in order, as the queue drains — memory stays bounded however long the
 * store stalls. A journal segment is deleted once every settlement in it is confirmed.
 */
import type { Settlement } from '../store/store.js';
import { isOpenedHold, type HoldRecord, type JournalWritten, type LedgerRecord, type LedgerSettlement } from '../store/ledger-store.js';
import type { JournalPosition, SettlementJournal } from './settlement-journal.js';
import { JournalAppendGroup } from './journal-append-group.js';
import { encodeSettlementLine } from './settlement-line.js';
import type { LedgerWriteTarget, SettlementWriterMetrics, SettlementWriterOptions } from './settlement-writer-options.js';
import { JournalSegmentStates } from './journal-segment-states.js';
import { encodeJournalLines, type EncodedJournalLines } from './journal-line-bytes.js';
import { SettlementQueue } from './settlement-queue.js';

export type { LedgerWriteTarget, SettlementWriterMetrics, SettlementWriterOptions } from './settlement-writer-options.js';

/** A record waiting for its turn's journal write. */
interface UnwrittenRecord {
  record: LedgerRecord;
  /** Undefined when it could not be encoded: it is queued without a journal line. */
  line: string | undefined;
}

/**
 * A batch has a fixed cost on the store (its transaction, the flush of the write-ahead log, the
 * journal segment rotated for it): on SQLite a settlement cost 33 µs in batches of 128 and 19 µs
 * in batches of 500. At 200 ms, a gateway serving 1,000–2,500 requests a second stored batches
 * under 500. Reads of usage and generations flush first, so they do not wait for the timer.
 */
export const DEFAULT_FLUSH_INTERVAL_MS = 500;

/**
 * Under load, batches go when this many wait. Larger batches cost SQLite less a settlement (2,000
 * cost 13 % less than 500), but their records live longer in the heap: with 2,000, each young
 * collection kept 2.0 MB instead of 0.8 and promoted 1.7 MB instead of 0.3, and the gateway at
 * 64 clients cost more per request (median ratio 1.085 against 500).
 */
export const DEFAULT_MAX_BATCH = 500;

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

  private readonly queue = new SettlementQueue();
  /** First journal position whose settlements are not in memory; null when all are. */
  private backlog: JournalPosition | null = null;
  private readonly segments = new JournalSegmentStates();
  private readonly pendingByAccount = new Map<string, bigint>();
  private readonly unwritten: JournalAppendGroup<UnwrittenRecord>;

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
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.maxQueued = Math.max(this.maxBatch, options.maxQueued ?? 50_000);
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.onSettled = options.onSettled;
    if (options.onStored) this.storedListeners.push(options.onStored);
    this.onError = options.onError;
    this.unwritten = new JournalAppendGroup<UnwrittenRecord>((records) => this.journalAndQueue(records), options.writeAtOnce);
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

  /**
   * Notes a finished request for the journal and the store. Never waits; the promise returned
   * resolves once the record is in the journal (null: it already is). Answer the client after it.
   */
  record(settlement: LedgerSettlement): JournalWritten {
    this.append(settlement);
    return this.unwritten.whenWritten();
  }

  /** Durably notes a hold taken before a request goes upstream. Never waits. */
  recordHold(hold: HoldRecord): void {
    this.append({ hold });
  }

  private append(record: LedgerRecord): void {
    if (!this.started || this.closed) throw new Error('settlement writer is not running');
    let line: string | undefined;
    try {
      line = encodeSettlementLine(record);
    } catch (error) {
      this.journalFailures += 1;
      this.report(error);
    }
    this.addPending(record, 1n);
    this.recordedLive += 1;
    this.unwritten.add({ record, line });
  }

  /** Appends a turn's records to the journal with one write, then queues them for the store. */
  private journalAndQueue(records: UnwrittenRecord[]): void {
    const lines: string[] = [];
    for (const item of records) if (item.line !== undefined) lines.push(item.line);
    let encoded: EncodedJournalLines | null = null;
    let positions: JournalPosition[] | null = null;
    if (lines.length > 0) {
      try {
        encoded = encodeJournalLines(lines);
        positions = this.journal.appendEncodedLines(encoded);
      } catch (error) {
        // Disk full or failing: the charges must still reach the store, so memory keeps the only
        // copy (even past maxQueued); it is lost only if the process dies before the flush.
        this.journalFailures += lines.length;
        this.report(error);
      }
    }
    let written = 0;
    for (const { record, line } of records) {
      if (line === undefined || encoded === null) {
        this.enqueue(record, null, 0, 0, null);
        continue;
      }
      const start = written === 0 ? 0 : encoded.ends[written - 1]!;
      this.enqueue(record, encoded.bytes, start, encoded.ends[written]!, positions === null ? null : positions[written]!);
      written += 1;
    }
    if (this.queue.length >= this.maxBatch) this.scheduleRun();
  }

  /** `line[start, end)` is the record's journal line; a null line: it has none. */
  private enqueue(record: LedgerRecord, line: Buffer | null, start: number, end: number, position: JournalPosition | null): void {
    if (position === null) {
      this.queue.push(record, line, start, end, null, true);
      return;
    }
    this.segments.of(position.segment).outstanding += 1;
    if (this.backlog === null && this.queue.length < this.maxQueued) {
      this.queue.push(record, line, start, end, position.segment, true);
    } else {
      // Everything after the first journal-only settlement stays in the journal too, so that
      // reading back in order eventually catches up with the writing end.
      this.backlog ??= position;
      this.journalOnly += 1;
    }
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
    // Records that arrived during the final flush go to the journal, for the next start.
    this.unwritten.writeNow();
    this.journal.close();
    this.deleteConfirmedSegments();
    await this.journal.removalsFinished();
    if (failure !== null) throw failure;
  }

  get metrics(): SettlementWriterMetrics {
    return {
      queued: this.queue.length,
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
      this.segments.addLeftover(segment);
    }
    const first = leftovers[0];
    if (first !== undefined) this.backlog = { segment: first, offset: 0 };
    this.journalPrepared = true;
  }

  private hasWork(): boolean {
    return this.queue.length > 0 || this.backlog !== null || this.unwritten.size > 0;
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
          if (this.queue.length < this.maxBatch && this.backlog === null) break;
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
    while (this.backlog !== null && this.queue.length < this.maxQueued) {
      const cursor = this.backlog;
      const state = this.segments.of(cursor.segment);
      const read = this.journal.readSegment(cursor.segment, cursor.offset, this.maxQueued - this.queue.length);
      this.skippedJournalLines += read.skippedLines;
      for (const [index, record] of read.records.entries()) {
        const line = read.lines[index];
        const bytes = line === undefined ? null : Buffer.from(`${line}\n`, 'utf8');
        this.queue.push(record, bytes, 0, bytes?.length ?? 0, cursor.segment, !state.countedOnRead);
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
    this.unwritten.writeNow();
    this.refillFromJournal();
    if (this.queue.length === 0) {
      this.deleteConfirmedSegments();
      return;
    }
    // Behind (a slow or recovering store): bigger batches, since a batch costs round trips, not
    // rows — a store 50 ms away otherwise stores fewer settlements a second than arrive.
    const behind = this.queue.length >= 4 * this.maxBatch || this.backlog !== null;
    const batch = this.queue.oldest(behind ? 8 * this.maxBatch : this.maxBatch);
    // Sealing the segment now lets it be deleted as soon as what it holds is confirmed.
    if (this.journal.currentSegmentRecords > 0) this.journal.rotate();
    this.storeCalls += 1;
    try {
      await this.store.settle(
        batch.map((item) => item.record),
        this.queue.journalLinesOf(batch),
      );
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
    this.queue.drop(batch);
    for (const item of batch) {
      const state = item.segment === null ? undefined : this.segments.get(item.segment);
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

  private deleteConfirmedSegments(): void {
    for (const segment of this.segments.confirmed(this.journal.currentSegment, this.backlog)) {
      this.journal.deleteSegment(segment);
      this.segments.delete(segment);
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

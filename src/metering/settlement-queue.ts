/**
 * The settlement writer's queue: records waiting for the store, oldest first, with their journal
 * lines kept beside them as bytes outside the JavaScript heap (`QueuedLineBytes`), ready to cross
 * to the store as one buffer per batch.
 */
import type { LedgerRecord } from '../store/ledger-store.js';
import { QueuedLineBytes } from './journal-line-bytes.js';

export interface QueuedRecord {
  record: LedgerRecord;
  /** Positions of the record's journal line among the queue's line bytes; -1 when it has none. */
  lineStart: number;
  lineEnd: number;
  /** Journal segment holding it; null when the journal append failed. */
  segment: number | null;
  /** Recorded by this process (false: read back from a segment left by an earlier run). */
  live: boolean;
}

export class SettlementQueue {
  private items: QueuedRecord[] = [];
  private head = 0;
  private readonly lineBytes = new QueuedLineBytes();

  get length(): number {
    return this.items.length - this.head;
  }

  /** Queues a record; `line[start, end)` is its journal line, a null line: it has none. */
  push(record: LedgerRecord, line: Uint8Array | null, start: number, end: number, segment: number | null, live: boolean): void {
    const lineStart = line === null ? -1 : this.lineBytes.append(line, start, end);
    this.items.push({ record, lineStart, lineEnd: line === null ? -1 : lineStart + (end - start), segment, live });
  }

  /** The oldest `count` records (fewer when fewer wait), left in the queue. */
  oldest(count: number): QueuedRecord[] {
    return this.items.slice(this.head, this.head + count);
  }

  /**
   * The journal lines of `batch` (the queue's oldest records) back to back, in memory of their own;
   * undefined when one of them has no line.
   */
  journalLinesOf(batch: readonly QueuedRecord[]): Buffer | undefined {
    if (batch.length === 0 || !batch.every((item) => item.lineStart >= 0)) return undefined;
    return this.lineBytes.copyOut(batch[0]!.lineStart, batch.at(-1)!.lineEnd);
  }

  /** Removes `batch`, the queue's oldest records, and their line bytes. */
  drop(batch: readonly QueuedRecord[]): void {
    this.head += batch.length;
    let linesEnd = -1;
    for (const item of batch) if (item.lineEnd > linesEnd) linesEnd = item.lineEnd;
    if (linesEnd >= 0) this.lineBytes.releaseBefore(linesEnd);
    // Compacting only when the dead prefix dominates keeps removal amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Append-only local journal of settlements, and of the holds taken before requests go upstream,
 * so that a finished request is never left unbilled when the process dies before its batch
 * reached the store, and a hold left by a crash is known at the next start.
 *
 * Layout: `<dataDir>/journal/segment-<12-digit number>.ndjson`, one record per line (see
 * `settlement-line.ts`). Segments are numbered upwards; this process only ever appends to a
 * segment it created itself, never to one left by an earlier run (whose last line may be torn:
 * appending behind a torn line would glue the next line to it).
 *
 * Durability:
 * - `append` (and `appendLines`, for several lines) hands the data to the OS with one synchronous
 *   `write` before returning. From then on it survives the process being killed (even
 *   `kill -9`): the data is in the page cache.
 * - Power loss or a kernel crash can lose what the OS had not written to disk yet. With
 *   `fsyncIntervalMs: N > 0` (default 1000) a timer runs `fdatasync` in the background every N
 *   ms when something was appended, so at most about the last N ms of appends are at risk.
 *   With 0, every append runs `fdatasync` before returning (one disk flush per write).
 *   With null, only the OS decides when data reaches the disk.
 * - A new segment's directory entry is made durable too (fsync of the directory), at the next
 *   group sync, or immediately with 0.
 *
 * Life of a segment: it is appended to until it is rotated (by size, or by its reader, the
 * settlement writer, before each batch it sends to the store); a rotated segment is deleted by
 * the writer once the store confirmed every settlement in it. Whatever is left at start-up is
 * read back (`replay` / `readSegment`) and settled again; the store's settle is idempotent by
 * generation id, so reading a segment twice never charges twice.
 *
 * One process per data directory: two processes appending to one journal are not supported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LedgerRecord } from '../store/ledger-store.js';
import { decodeSettlementLine, encodeSettlementLine } from './settlement-line.js';
import { encodeJournalLines, isWholeLines, type EncodedJournalLines } from './journal-line-bytes.js';

export interface SettlementJournalOptions {
  /** Usually `journalDirectory(dataDir)`. Created when missing. */
  directory: string;
  /** Group `fdatasync` period; 0 = on every append; null = never (default 1000). */
  fsyncIntervalMs?: number | null;
  /** A segment is rotated before it grows past this (default 8 MiB). */
  maxSegmentBytes?: number;
  /** Called when a background sync fails (the next sync tries again). */
  onSyncError?: (error: unknown) => void;
}

/** Where one appended line starts. */
export interface JournalPosition {
  segment: number;
  offset: number;
}

export interface SegmentRead {
  /** Holds and settlements, in the order they were appended. */
  records: LedgerRecord[];
  /** The line each record was decoded from (same index), without its "\n". */
  lines: string[];
  /** Byte offset just after the last line consumed; pass it to the next read. */
  nextOffset: number;
  /** True when the end of the segment was reached. */
  complete: boolean;
  /** Lines that could not be decoded (a torn last line, or damage) and were skipped. */
  skippedLines: number;
}

export function journalDirectory(dataDirectory: string): string {
  return path.join(dataDirectory, 'journal');
}

const SEGMENT_NAME = /^segment-(\d{12})\.ndjson$/;
const NEWLINE = 0x0a;
const READ_CHUNK_BYTES = 256 * 1024;

function segmentFileName(segment: number): string {
  return `segment-${String(segment).padStart(12, '0')}.ndjson`;
}

export class SettlementJournal {
  readonly directory: string;
  private readonly fsyncIntervalMs: number | null;
  private readonly maxSegmentBytes: number;
  private readonly onSyncError: ((error: unknown) => void) | undefined;
  private readonly removals = new Set<Promise<void>>();

  private opened = false;
  private closed = false;
  private leftovers: number[] = [];
  /** Every segment file this journal knows to exist, ascending. */
  private existing: number[] = [];
  private nextSegment = 1;
  private activeSegment: number | null = null;
  private activeDescriptor: number | null = null;
  private activeBytes = 0;
  private activeRecords = 0;
  private unsynced = false;
  private directoryUnsynced = false;
  private syncTimer: NodeJS.Timeout | null = null;
  /** Rotated descriptors waiting for their final background sync before being closed. */
  private readonly retiring = new Set<number>();
  /** Background syncs running, per descriptor. */
  private readonly syncsInFlight = new Map<number, number>();

  constructor(options: SettlementJournalOptions) {
    this.directory = options.directory;
    this.fsyncIntervalMs = options.fsyncIntervalMs === undefined ? 1000 : options.fsyncIntervalMs;
    this.maxSegmentBytes = options.maxSegmentBytes ?? 8 * 1024 * 1024;
    this.onSyncError = options.onSyncError;
  }

  /** Creates the directory and notes the segments left by earlier runs. Idempotent. */
  open(): void {
    if (this.opened) return;
    fs.mkdirSync(this.directory, { recursive: true });
    const found: number[] = [];
    for (const name of fs.readdirSync(this.directory)) {
      const match = SEGMENT_NAME.exec(name);
      if (match) found.push(Number(match[1]));
    }
    found.sort((left, right) => left - right);
    this.leftovers = found;
    this.existing = [...found];
    this.nextSegment = (found.at(-1) ?? 0) + 1;
    if (this.fsyncIntervalMs !== null && this.fsyncIntervalMs > 0) {
      this.syncTimer = setInterval(() => this.syncInBackground(), this.fsyncIntervalMs);
      this.syncTimer.unref();
    }
    this.opened = true;
  }

  /** Segments that existed when the journal was opened, ascending. */
  leftoverSegments(): number[] {
    this.open();
    return [...this.leftovers];
  }

  /** Writes one record; when this returns, the line is in the OS and survives `kill -9`. */
  append(record: LedgerRecord): JournalPosition {
    return this.appendLine(encodeSettlementLine(record));
  }

  /**
   * Writes one record already encoded by `encodeSettlementLine` (its "\n" included), for a caller
   * that keeps the line; otherwise the same as `append`.
   */
  appendLine(line: string): JournalPosition {
    return this.appendLines([line])[0]!;
  }

  /**
   * Writes several encoded lines with one `write`, in order; when this returns, all are in the OS.
   * Returns where each line starts.
   */
  appendLines(lines: readonly string[]): JournalPosition[] {
    return this.appendEncodedLines(encodeJournalLines(lines));
  }

  /** `appendLines` for lines already encoded, by a caller that keeps their bytes. */
  appendEncodedLines(encoded: EncodedJournalLines): JournalPosition[] {
    if (this.closed) throw new Error('settlement journal is closed');
    // Without its newline, the next line would be glued to this one and both lost on reading.
    if (!isWholeLines(encoded)) throw new Error('a settlement journal line must end with a newline');
    this.open();
    const { bytes, ends } = encoded;
    if (this.activeDescriptor !== null && this.activeBytes > 0 && this.activeBytes + bytes.length > this.maxSegmentBytes) {
      this.rotate();
    }
    const descriptor = this.activeDescriptor ?? this.startSegment();
    const segment = this.activeSegment!;
    const positions: JournalPosition[] = [];
    let offset = this.activeBytes;
    for (const end of ends) {
      positions.push({ segment, offset });
      offset = this.activeBytes + end;
    }
    let written = 0;
    while (written < bytes.length) {
      written += fs.writeSync(descriptor, bytes, written, bytes.length - written);
    }
    this.activeBytes += bytes.length;
    this.activeRecords += ends.length;
    if (this.fsyncIntervalMs === 0) fs.fdatasyncSync(descriptor);
    else this.unsynced = true;
    return positions;
  }

  /** The segment being appended to, or null when none is open. */
  get currentSegment(): number | null {
    return this.activeSegment;
  }

  /** Records appended to the current segment so far. */
  get currentSegmentRecords(): number {
    return this.activeRecords;
  }

  /**
   * Stops appending to the current segment (the next append starts a new one).
   * Returns the rotated segment, or null when there was nothing to rotate.
   */
  rotate(): number | null {
    if (this.activeDescriptor === null || this.activeSegment === null) return null;
    const descriptor = this.activeDescriptor;
    const segment = this.activeSegment;
    this.activeDescriptor = null;
    this.activeSegment = null;
    this.activeBytes = 0;
    this.activeRecords = 0;
    if (this.fsyncIntervalMs !== null && this.fsyncIntervalMs > 0) {
      // Its last appends still need their group sync, and a background sync may be running on
      // it: it is closed once no sync is pending (closing earlier could let the descriptor number
      // be reused by the next segment under a sync that has not started yet).
      this.retiring.add(descriptor);
      if (this.unsynced) this.syncDescriptorInBackground(descriptor);
      else this.closeIfRetired(descriptor);
    } else {
      fs.closeSync(descriptor);
    }
    this.unsynced = false;
    return segment;
  }

  /** Existing segments, ascending (leftovers and those written by this process). */
  segments(): number[] {
    return [...this.existing];
  }

  /** The next existing segment after `segment`, or null. */
  segmentAfter(segment: number): number | null {
    for (const candidate of this.existing) if (candidate > segment) return candidate;
    return null;
  }

  /**
   * Reads up to `maxRecords` settlements of a segment from byte `offset`. A last line without
   * its newline is decoded when it is whole and skipped when torn.
   */
  readSegment(segment: number, offset: number, maxRecords: number): SegmentRead {
    const result: SegmentRead = { records: [], lines: [], nextOffset: offset, complete: false, skippedLines: 0 };
    let descriptor: number;
    try {
      descriptor = fs.openSync(this.segmentPath(segment), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ...result, complete: true };
      throw error;
    }
    try {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      let carry = Buffer.alloc(0);
      let readAt = offset;
      while (result.records.length < maxRecords) {
        const bytesRead = fs.readSync(descriptor, chunk, 0, chunk.length, readAt);
        if (bytesRead === 0) {
          if (carry.length > 0) this.consumeLine(carry, result);
          result.nextOffset += carry.length;
          result.complete = true;
          break;
        }
        readAt += bytesRead;
        const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
        let lineStart = 0;
        let newline = data.indexOf(NEWLINE, lineStart);
        while (newline !== -1 && result.records.length < maxRecords) {
          this.consumeLine(data.subarray(lineStart, newline), result);
          result.nextOffset += newline + 1 - lineStart;
          lineStart = newline + 1;
          newline = data.indexOf(NEWLINE, lineStart);
        }
        // Copied, because `chunk` is reused by the next read.
        carry = Buffer.from(data.subarray(lineStart));
      }
      if (!result.complete && result.records.length >= maxRecords) {
        result.complete = result.nextOffset >= fs.fstatSync(descriptor).size;
      }
    } finally {
      fs.closeSync(descriptor);
    }
    return result;
  }

  /** Every record in the segments left by earlier runs, in order. */
  replay(): LedgerRecord[] {
    const records: LedgerRecord[] = [];
    for (const segment of this.leftoverSegments()) {
      let offset = 0;
      for (;;) {
        const read = this.readSegment(segment, offset, Number.MAX_SAFE_INTEGER);
        records.push(...read.records);
        offset = read.nextOffset;
        if (read.complete) break;
      }
    }
    return records;
  }

  /**
   * Removes a rotated segment whose settlements are all stored. The unlink runs off the event
   * loop (it took milliseconds per batch on some filesystems); a segment whose removal a crash
   * interrupts is replayed at the next start, which stores nothing twice.
   */
  deleteSegment(segment: number): void {
    if (segment === this.activeSegment) throw new Error('cannot delete the segment being appended to');
    const removal = fs.promises.unlink(this.segmentPath(segment)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.onSyncError?.(error);
    });
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
    this.existing = this.existing.filter((candidate) => candidate !== segment);
    this.leftovers = this.leftovers.filter((candidate) => candidate !== segment);
  }

  /** Resolves when every segment removal started so far has finished. */
  async removalsFinished(): Promise<void> {
    await Promise.all([...this.removals]);
  }

  /** Flushes everything appended so far to disk now (blocking). */
  sync(): void {
    if (this.activeDescriptor !== null && this.unsynced) {
      fs.fdatasyncSync(this.activeDescriptor);
      this.unsynced = false;
    }
    for (const descriptor of this.retiring) fs.fdatasyncSync(descriptor);
    if (this.directoryUnsynced) this.syncDirectory();
  }

  /** Syncs (unless fsync is off), closes the current segment and stops the sync timer. */
  close(): void {
    if (this.closed) return;
    if (this.syncTimer) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (this.fsyncIntervalMs !== null) this.sync();
    for (const descriptor of this.retiring) fs.closeSync(descriptor);
    this.retiring.clear();
    if (this.activeDescriptor !== null) fs.closeSync(this.activeDescriptor);
    this.activeDescriptor = null;
    this.activeSegment = null;
    this.closed = true;
  }

  private segmentPath(segment: number): string {
    return path.join(this.directory, segmentFileName(segment));
  }

  private startSegment(): number {
    const segment = this.nextSegment++;
    const descriptor = fs.openSync(this.segmentPath(segment), 'a');
    this.activeSegment = segment;
    this.activeDescriptor = descriptor;
    this.activeBytes = 0;
    this.activeRecords = 0;
    this.existing.push(segment);
    if (this.fsyncIntervalMs === 0) this.syncDirectory();
    else this.directoryUnsynced = true;
    return descriptor;
  }

  private consumeLine(line: Buffer, result: SegmentRead): void {
    if (line.length === 0) return;
    const text = line.toString('utf8');
    try {
      result.records.push(decodeSettlementLine(text));
      result.lines.push(text);
    } catch {
      result.skippedLines += 1;
    }
  }

  private syncDirectory(): void {
    this.directoryUnsynced = false;
    const descriptor = fs.openSync(this.directory, 'r');
    try {
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
  }

  private syncInBackground(): void {
    if (this.activeDescriptor !== null && this.unsynced) {
      this.unsynced = false;
      this.syncDescriptorInBackground(this.activeDescriptor);
    }
    if (this.directoryUnsynced) {
      this.directoryUnsynced = false;
      fs.open(this.directory, 'r', (openError, descriptor) => {
        if (openError) {
          this.directoryUnsynced = true;
          this.onSyncError?.(openError);
          return;
        }
        fs.fsync(descriptor, (syncError) => {
          if (syncError) {
            this.directoryUnsynced = true;
            this.onSyncError?.(syncError);
          }
          fs.close(descriptor, () => undefined);
        });
      });
    }
  }

  private syncDescriptorInBackground(descriptor: number): void {
    this.syncsInFlight.set(descriptor, (this.syncsInFlight.get(descriptor) ?? 0) + 1);
    fs.fdatasync(descriptor, (error) => {
      const remaining = (this.syncsInFlight.get(descriptor) ?? 1) - 1;
      if (remaining > 0) this.syncsInFlight.set(descriptor, remaining);
      else this.syncsInFlight.delete(descriptor);
      if (error) {
        if (descriptor === this.activeDescriptor) this.unsynced = true;
        this.onSyncError?.(error);
      }
      this.closeIfRetired(descriptor);
    });
  }

  private closeIfRetired(descriptor: number): void {
    if (!this.retiring.has(descriptor) || this.syncsInFlight.has(descriptor)) return;
    this.retiring.delete(descriptor);
    fs.close(descriptor, () => undefined);
  }
}

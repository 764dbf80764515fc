/**
 * Stores SQLite settlement batches on a worker thread with its own connection to the database
 * file. better-sqlite3 is synchronous: on the main thread a batch insert and its commit (with
 * `synchronous = FULL`, a flush to disk) stop the event loop for milliseconds, which every
 * request in flight then waits out. WAL lets the two connections work side by side; the worker
 * runs the same `KyselyLedgerStore.settle`, so both engines keep one implementation.
 *
 * A batch crosses as the settlement journal's lines when it has them all: `postMessage` clones
 * strings with a copy, where cloning the record objects field by field held the event loop for
 * milliseconds per batch. The thread decodes them; a batch with a line it cannot decode is sent
 * again as objects, so that one bad line never holds up settling.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerRecord } from './ledger-store.js';

/** Where the batches go instead of the main thread's connection. */
export interface LedgerBatchWriter {
  /** `encodedLines`: the records as `encodeSettlementLine` wrote them, index for index, where known. */
  settle(batch: LedgerRecord[], encodedLines?: readonly (string | undefined)[]): Promise<number>;
  close(): Promise<void>;
}

export type SettlementThreadRequest = { id: number; batch: LedgerRecord[] } | { id: number; lines: readonly string[] };
export type SettlementThreadReply =
  | { id: number; stored: number }
  | { id: number; error: { message: string; name: string } }
  /** Nothing was stored: a line did not decode; the batch is wanted as objects. */
  | { id: number; undecodableLines: true };

interface WaitingBatch {
  resolve: (stored: number) => void;
  reject: (error: Error) => void;
  /** Kept until answered, for sending again as objects. */
  batch: LedgerRecord[];
}

const workerScript = new URL('./sqlite-settlement-thread-worker.js', import.meta.url);
let threadsStarted = 0;
let batchesPostedAsLines = 0;

/** How many settlement threads this process started (for tests and diagnostics). */
export function settlementThreadsStarted(): number {
  return threadsStarted;
}

/** How many batches went to a settlement thread as journal lines rather than objects (same use). */
export function settlementBatchesPostedAsLines(): number {
  return batchesPostedAsLines;
}

/**
 * The thread, or null where it cannot run: an in-memory database (one connection only) or a
 * source tree run without a build (the worker script is compiled JavaScript).
 */
export function startSqliteSettlementThread(filename: string): LedgerBatchWriter | null {
  if (filename === ':memory:' || filename === '') return null;
  if (workerScript.protocol !== 'file:' || !existsSync(fileURLToPath(workerScript))) return null;
  return new SqliteSettlementThread(filename);
}

class SqliteSettlementThread implements LedgerBatchWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, WaitingBatch>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(filename: string) {
    this.worker = new Worker(workerScript, { workerData: { filename } });
    threadsStarted += 1;
    // Idle between batches, the thread must not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (reply: SettlementThreadReply) => this.answer(reply));
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the SQLite settlement thread exited (code ${code})`)));
  }

  settle(batch: LedgerRecord[], encodedLines?: readonly (string | undefined)[]): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const lines = everyLine(batch, encodedLines);
    const request: SettlementThreadRequest = lines ? { id, lines } : { id, batch };
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, batch });
      this.worker.ref();
      this.worker.postMessage(request);
      if (lines) batchesPostedAsLines += 1;
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the SQLite settlement thread is closed');
    await this.worker.terminate();
  }

  private answer(reply: SettlementThreadReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    if ('undecodableLines' in reply) {
      this.worker.postMessage({ id: reply.id, batch: waiter.batch } satisfies SettlementThreadRequest);
      return;
    }
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker.unref();
    if ('error' in reply) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      waiter.reject(error);
    } else {
      waiter.resolve(reply.stored);
    }
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

/** The lines when there is one for every record of the batch, else null (the batch goes as objects). */
function everyLine(batch: readonly LedgerRecord[], encodedLines: readonly (string | undefined)[] | undefined): readonly string[] | null {
  if (encodedLines === undefined || encodedLines.length !== batch.length) return null;
  for (const line of encodedLines) if (line === undefined) return null;
  return encodedLines as readonly string[];
}

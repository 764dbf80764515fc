/**
 * Stores SQLite settlement batches on a worker thread with its own connection to the database
 * file. better-sqlite3 is synchronous: on the main thread a batch insert and its commit (with
 * `synchronous = FULL`, a flush to disk) stop the event loop for milliseconds, which every
 * request in flight then waits out. WAL lets the two connections work side by side; the worker
 * runs the same `KyselyLedgerStore.settle`, so both engines keep one implementation.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerRecord } from './ledger-store.js';

/** Where the batches go instead of the main thread's connection. */
export interface LedgerBatchWriter {
  settle(batch: LedgerRecord[]): Promise<number>;
  close(): Promise<void>;
}

export type SettlementThreadRequest = { id: number; batch: LedgerRecord[] };
export type SettlementThreadReply = { id: number; stored: number } | { id: number; error: { message: string; name: string } };

const workerScript = new URL('./sqlite-settlement-thread-worker.js', import.meta.url);
let threadsStarted = 0;

/** How many settlement threads this process started (for tests and diagnostics). */
export function settlementThreadsStarted(): number {
  return threadsStarted;
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
  private readonly waiting = new Map<number, { resolve: (stored: number) => void; reject: (error: Error) => void }>();
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

  settle(batch: LedgerRecord[]): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, batch } satisfies SettlementThreadRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the SQLite settlement thread is closed');
    await this.worker.terminate();
  }

  private answer(reply: SettlementThreadReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
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

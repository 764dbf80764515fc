/**
 * Stores SQLite settlement batches on a worker thread with its own connection to the database
 * file. better-sqlite3 is synchronous: on the main thread a batch insert and its commit (with
 * `synchronous = FULL`, a flush to disk) stop the event loop for milliseconds, which every
 * request in flight then waits out. WAL lets the two connections work side by side; the worker
 * runs the same `KyselyLedgerStore.settle`, so both engines keep one implementation.
 *
 * A batch crosses as the settlement journal's lines when it has them all, as UTF-8 bytes whose
 * memory moves to the thread without a copy: cloning the record objects field by field held the
 * event loop for milliseconds per batch. The thread decodes them; a batch with a line it cannot
 * decode is sent again as objects, so that one bad line never holds up settling.
 *
 * The credit snapshots' reads of balances and key spending run here too. They cover every account
 * in use, every 500 ms: with 10,000 accounts, 17 ms of balances and about as much of spending on
 * the main connection, holding the event loop each time. Here they cost the main thread a message
 * each way, and the thread runs them after the batches posted before, as the writer orders them.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LedgerRecord, LedgerSnapshotReads, StoredKeySpending } from './ledger-store.js';
import { unpackBalances, unpackKeySpending, type PackedValues } from './snapshot-read-packing.js';

/** Where the batches go instead of the main thread's connection, and the snapshot reads with them. */
export interface LedgerBatchWriter extends LedgerSnapshotReads {
  /** `journalLines`: the records as the journal holds them (see `Store.settle`); its memory is taken. */
  settle(batch: LedgerRecord[], journalLines?: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

export type SettlementThreadRequest =
  | { id: number; batch: LedgerRecord[] }
  /** `count` lines of the journal, back to back. */
  | { id: number; journalLines: Uint8Array; count: number }
  | { id: number; read: 'balances' | 'key-spending'; ids: readonly string[] };
export type SettlementThreadReply =
  | { id: number; stored: number }
  /** In the order of the ids asked for (`snapshot-read-packing.ts`). */
  | { id: number; balances: PackedValues }
  | { id: number; spending: PackedValues }
  | { id: number; error: { message: string; name: string } }
  /** Nothing was stored: a line did not decode; the batch is wanted as objects. */
  | { id: number; undecodableLines: true };

interface Waiting {
  resolve: (reply: SettlementThreadReply) => void;
  reject: (error: Error) => void;
  /** A batch, kept until answered for sending again as objects; null for a read. */
  batch: LedgerRecord[] | null;
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
  private readonly waiting = new Map<number, Waiting>();
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

  async settle(batch: LedgerRecord[], journalLines?: Uint8Array): Promise<number> {
    const reply = await this.send(
      (id) => {
        if (journalLines === undefined) return { id, batch };
        batchesPostedAsLines += 1;
        return { id, journalLines, count: batch.length };
      },
      batch,
      journalLines === undefined ? [] : movableMemoryOf(journalLines),
    );
    return 'stored' in reply ? reply.stored : unexpected(reply);
  }

  async readBalances(accountIds: readonly string[]): Promise<Map<string, bigint>> {
    const reply = await this.send((id) => ({ id, read: 'balances', ids: accountIds }), null);
    if (!('balances' in reply)) return unexpected(reply);
    return unpackBalances(accountIds, reply.balances);
  }

  async readKeySpending(keyIds: readonly string[]): Promise<Map<string, StoredKeySpending>> {
    const reply = await this.send((id) => ({ id, read: 'key-spending', ids: keyIds }), null);
    if (!('spending' in reply)) return unexpected(reply);
    return unpackKeySpending(keyIds, reply.spending);
  }

  private send(
    request: (id: number) => SettlementThreadRequest,
    batch: LedgerRecord[] | null,
    transfer: ArrayBuffer[] = [],
  ): Promise<SettlementThreadReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<SettlementThreadReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, batch });
      this.worker.ref();
      this.worker.postMessage(request(id), transfer);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the SQLite settlement thread is closed');
    await this.worker.terminate();
  }

  private answer(reply: SettlementThreadReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    if ('undecodableLines' in reply && waiter.batch !== null) {
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
      waiter.resolve(reply);
    }
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

function unexpected(reply: SettlementThreadReply): never {
  throw new Error(`the SQLite settlement thread answered ${Object.keys(reply).join(', ')} to request ${reply.id}`);
}

/** The bytes' memory, to move instead of copy, when they are all of it (never a shared pool's). */
function movableMemoryOf(bytes: Uint8Array): ArrayBuffer[] {
  const memory = bytes.buffer;
  return memory instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === memory.byteLength ? [memory] : [];
}

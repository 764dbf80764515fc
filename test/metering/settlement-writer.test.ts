import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { journalDirectory, SettlementJournal } from '../../src/metering/settlement-journal.js';
import { DEFAULT_FLUSH_INTERVAL_MS, DEFAULT_MAX_BATCH, SettlementWriter, type SettlementWriterOptions } from '../../src/metering/settlement-writer.js';
import type { Settlement } from '../../src/store/store.js';
import { CountingStore, makeSettlement } from './settlement-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-writer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function freshDirectory(): string {
  counter += 1;
  return journalDirectory(path.join(scratch, `data-${counter}`));
}

/** A timer period far beyond the test's run, so only maxBatch and flush() trigger store calls. */
const NEVER = 3_600_000;

async function startedWriter(
  store: CountingStore,
  options: Partial<SettlementWriterOptions> = {},
  directory = freshDirectory(),
): Promise<{ writer: SettlementWriter; directory: string }> {
  const writer = new SettlementWriter({
    store,
    journal: new SettlementJournal({ directory, fsyncIntervalMs: null }),
    flushIntervalMs: NEVER,
    ...options,
  });
  await writer.start();
  return { writer, directory };
}

function ids(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
}

describe('SettlementWriter batching', () => {
  it('sends N records in ceil(N / maxBatch) store calls', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store, { maxBatch: 10 });
    for (const id of ids('gen', 25)) writer.record(makeSettlement(id));
    expect(store.calls).toBe(0);
    await writer.flush();
    expect(store.batchSizes).toEqual([10, 10, 5]);
    expect(writer.metrics).toMatchObject({ storeCalls: 3, flushedTotal: 25, queued: 0, failedFlushes: 0 });
    await writer.close();
  });

  it('flushes a full batch by itself, without flush()', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store, { maxBatch: 500 });
    for (const id of ids('gen', 1000)) writer.record(makeSettlement(id));
    await vi.waitFor(() => expect(store.stored.size).toBe(1000));
    expect(store.calls).toBe(2);
    await writer.close();
  });

  it('by default, sends a batch by itself once 500 records wait, and not before', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store);
    for (const id of ids('gen', DEFAULT_MAX_BATCH - 1)) writer.record(makeSettlement(id));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(store.calls).toBe(0);
    writer.record(makeSettlement('gen-last'));
    await vi.waitFor(() => expect(store.stored.size).toBe(DEFAULT_MAX_BATCH));
    expect(store.batchSizes).toEqual([500]);
    await writer.close();
  });

  it('flushes on its timer', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store, { flushIntervalMs: 5 });
    writer.record(makeSettlement('gen-timer'));
    await vi.waitFor(() => expect(store.stored.has('gen-timer')).toBe(true));
    await writer.close();
  });

  it('stores waiting records after 500 ms by default, not before', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const store = new CountingStore();
      const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: freshDirectory(), fsyncIntervalMs: null }) });
      await writer.start();
      await writer.record(makeSettlement('gen-default-timer'));
      vi.advanceTimersByTime(DEFAULT_FLUSH_INTERVAL_MS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(store.calls).toBe(0);
      vi.advanceTimersByTime(1);
      await vi.waitFor(() => expect(store.stored.has('gen-default-timer')).toBe(true));
      expect(DEFAULT_FLUSH_INTERVAL_MS).toBe(500);
      await writer.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not call the store inside record()', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store, { maxBatch: 1 });
    writer.record(makeSettlement('gen-1'));
    expect(store.calls).toBe(0);
    await writer.flush();
    expect(store.calls).toBe(1);
    await writer.close();
  });

  it('tracks pending charges per account until the store confirms them', async () => {
    const store = new CountingStore();
    const { writer } = await startedWriter(store);
    writer.record(makeSettlement('gen-a1', 5n, { accountId: 'a' }));
    writer.record(makeSettlement('gen-a2', 7n, { accountId: 'a' }));
    writer.record(makeSettlement('gen-b1', 11n, { accountId: 'b' }));
    expect(writer.pendingCharges('a')).toBe(12n);
    expect(writer.pendingCharges('b')).toBe(11n);
    expect(writer.pendingCharges('c')).toBe(0n);
    await writer.flush();
    expect(writer.pendingCharges('a')).toBe(0n);
    expect(writer.pendingCharges('b')).toBe(0n);
    expect(store.charged.get('a')).toBe(12n);
    await writer.close();
  });

  it('calls onSettled after the store confirmed, once per settlement', async () => {
    const store = new CountingStore();
    const settled: string[] = [];
    const { writer } = await startedWriter(store, {
      onSettled: (settlement) => {
        expect(store.stored.has(settlement.generation.id)).toBe(true);
        settled.push(settlement.generation.id);
      },
    });
    for (const id of ids('gen', 3)) writer.record(makeSettlement(id));
    expect(settled).toEqual([]);
    await writer.flush();
    expect(settled).toEqual(ids('gen', 3));
    await writer.close();
  });

  it('deletes journal segments once their settlements are stored', async () => {
    const store = new CountingStore();
    const { writer, directory } = await startedWriter(store, { maxBatch: 4 });
    let written = null;
    for (const id of ids('gen', 10)) written = writer.record(makeSettlement(id));
    await written;
    expect(readdirSync(directory).length).toBeGreaterThan(0);
    await writer.flush();
    await writer.close();
    expect(readdirSync(directory)).toEqual([]);
  });

  it('refuses records before start and after close', async () => {
    const store = new CountingStore();
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: freshDirectory() }) });
    expect(() => writer.record(makeSettlement('gen-early'))).toThrow();
    await writer.start();
    await writer.close();
    expect(() => writer.record(makeSettlement('gen-late'))).toThrow();
  });
});

describe('SettlementWriter journal writes', () => {
  it('appends the records of one turn of the event loop with one write, and says when they are written', async () => {
    const store = new CountingStore();
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const appendLines = vi.spyOn(journal, 'appendEncodedLines');
    const writer = new SettlementWriter({ store, journal, flushIntervalMs: NEVER });
    await writer.start();
    const written = ids('gen', 5).map((id) => writer.record(makeSettlement(id)));
    expect(written.every((promise) => promise instanceof Promise)).toBe(true);
    expect(new Set(written).size).toBe(1);
    // Nothing is written within the turn that recorded them.
    expect(appendLines).not.toHaveBeenCalled();
    await written[0];
    expect(appendLines).toHaveBeenCalledTimes(1);
    expect(appendLines.mock.calls[0]![0].ends).toHaveLength(5);
    const segment = journal.currentSegment!;
    expect(journal.readSegment(segment, 0, 100).records.map((record) => ('generation' in record ? record.generation.id : ''))).toEqual(ids('gen', 5));
    // A later turn's records form a write of their own.
    await writer.record(makeSettlement('gen-later'));
    expect(appendLines).toHaveBeenCalledTimes(2);
    await writer.flush();
    expect(store.stored.size).toBe(6);
    await writer.close();
  });

  it('writes a record at once when told no other can join it, and defers again when others can', async () => {
    const store = new CountingStore();
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const appendLines = vi.spyOn(journal, 'appendEncodedLines');
    let alone = true;
    const writer = new SettlementWriter({ store, journal, flushIntervalMs: NEVER, writeAtOnce: () => alone });
    await writer.start();
    // Written before `record` returns: nothing to wait for.
    expect(writer.record(makeSettlement('gen-alone'))).toBeNull();
    expect(appendLines).toHaveBeenCalledTimes(1);
    const segment = journal.currentSegment!;
    expect(journal.readSegment(segment, 0, 100).records.map((record) => ('generation' in record ? record.generation.id : ''))).toEqual(['gen-alone']);
    alone = false;
    const written = ids('gen-crowd', 3).map((id) => writer.record(makeSettlement(id)));
    expect(written.every((promise) => promise instanceof Promise)).toBe(true);
    expect(appendLines).toHaveBeenCalledTimes(1);
    await written[0];
    expect(appendLines).toHaveBeenCalledTimes(2);
    expect(appendLines.mock.calls[1]![0].ends).toHaveLength(3);
    await writer.flush();
    expect([...store.stored.keys()].sort()).toEqual(['gen-alone', ...ids('gen-crowd', 3)].sort());
    await writer.close();
  });

  it('writes records still waiting for their turn before closing, for the next start to store', async () => {
    const store = new CountingStore();
    store.beforeSettle = () => Promise.reject(new Error('store down'));
    const directory = freshDirectory();
    const { writer } = await startedWriter(store, {}, directory);
    const written = writer.record(makeSettlement('gen-at-close'));
    await writer.close().catch(() => undefined);
    await written;
    const reopened = new SettlementJournal({ directory, fsyncIntervalMs: null });
    expect(reopened.replay().map((record) => ('generation' in record ? record.generation.id : ''))).toEqual(['gen-at-close']);
  });
});

describe('SettlementWriter durability corners', () => {
  it('still stores settlements when the journal refuses appends, keeping them in memory', async () => {
    const store = new CountingStore();
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const errors: unknown[] = [];
    const writer = new SettlementWriter({ store, journal, flushIntervalMs: NEVER, onError: (error) => errors.push(error) });
    await writer.start();
    journal.close();
    let written = null;
    for (const id of ids('gen', 3)) written = writer.record(makeSettlement(id));
    await written;
    expect(writer.metrics).toMatchObject({ journalFailures: 3, queued: 3 });
    // The three records of one turn were one refused write.
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('closed');
    await writer.flush();
    expect(store.stored.size).toBe(3);
    await writer.close();
  });

  it('works with group fsync, rotating segments with syncs still pending', async () => {
    const store = new CountingStore();
    const directory = freshDirectory();
    const writer = new SettlementWriter({
      store,
      journal: new SettlementJournal({ directory, fsyncIntervalMs: 1 }),
      flushIntervalMs: NEVER,
      maxBatch: 5,
    });
    await writer.start();
    for (let round = 0; round < 5; round += 1) {
      for (const id of ids(`gen-${round}`, 7)) writer.record(makeSettlement(id));
      await writer.flush();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await writer.close();
    expect(store.stored.size).toBe(35);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('SettlementWriter with a failing store', () => {
  it('keeps the batch and succeeds on a later flush, without duplicates', async () => {
    const store = new CountingStore();
    let failuresLeft = 2;
    store.beforeSettle = () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('database is locked');
      }
    };
    const errors: unknown[] = [];
    const { writer } = await startedWriter(store, { onError: (error) => errors.push(error) });
    for (const id of ids('gen', 10)) writer.record(makeSettlement(id));
    await expect(writer.flush()).rejects.toThrow('database is locked');
    await expect(writer.flush()).rejects.toThrow('database is locked');
    expect(writer.metrics.queued).toBe(10);
    expect(writer.pendingCharges('account-1')).toBe(10_000n);
    await writer.flush();
    expect(store.stored.size).toBe(10);
    expect(store.duplicatesOffered).toBe(0);
    expect(writer.metrics).toMatchObject({ failedFlushes: 2, storeCalls: 3, flushedTotal: 10, queued: 0 });
    expect(errors).toHaveLength(2);
    await writer.close();
  });

  it('retries in the background after a backoff', async () => {
    const store = new CountingStore();
    let failuresLeft = 3;
    store.beforeSettle = () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('connection refused');
      }
    };
    const { writer } = await startedWriter(store, { flushIntervalMs: 2, retryBaseMs: 1, retryMaxMs: 4 });
    for (const id of ids('gen', 5)) writer.record(makeSettlement(id));
    await vi.waitFor(() => expect(store.stored.size).toBe(5), { timeout: 5000 });
    expect(writer.metrics.failedFlushes).toBe(3);
    await writer.close();
  });

  it('keeps the in-memory queue within maxQueued while the store stalls, and stores everything later', async () => {
    const store = new CountingStore();
    let release: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => {
      release = resolve;
    });
    const cap = 50;
    let writerRef: SettlementWriter | null = null;
    let largestQueueSeenByStore = 0;
    store.beforeSettle = async () => {
      largestQueueSeenByStore = Math.max(largestQueueSeenByStore, writerRef!.metrics.queued);
      await stalled;
    };
    const { writer, directory } = await startedWriter(store, { maxBatch: 10, maxQueued: cap });
    writerRef = writer;
    const total = 2000;
    let largestQueue = 0;
    let written = null;
    for (let index = 0; index < total; index += 1) {
      written = writer.record(makeSettlement(`gen-${index}`, 3n));
      largestQueue = Math.max(largestQueue, writer.metrics.queued);
      // Let the background loop run now and then, so the stalled call is really in flight.
      if (index % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await written;
    expect(store.calls).toBe(1);
    expect(largestQueue).toBe(cap);
    expect(writer.metrics.journalOnly).toBe(total - cap);
    expect(writer.pendingCharges('account-1')).toBe(BigInt(total) * 3n);

    release();
    await writer.flush();
    expect(store.stored.size).toBe(total);
    expect(store.duplicatesOffered).toBe(0);
    expect(largestQueueSeenByStore).toBeLessThanOrEqual(cap);
    expect([...store.stored.keys()]).toEqual(ids('gen', total));
    expect(writer.metrics).toMatchObject({ queued: 0, journalOnly: 0, flushedTotal: total });
    expect(writer.pendingCharges('account-1')).toBe(0n);

    // Once caught up, new records go through memory again.
    await writer.record(makeSettlement('gen-after'));
    expect(writer.metrics.queued).toBe(1);
    await writer.close();
    expect(store.stored.has('gen-after')).toBe(true);
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('SettlementWriter start-up replay', () => {
  it('stores leftover journal settlements before accepting new ones', async () => {
    const directory = freshDirectory();
    const earlier = new SettlementJournal({ directory });
    const leftovers: Settlement[] = ids('old', 7).map((id) => makeSettlement(id, 2n, { accountId: 'a' }));
    for (const settlement of leftovers) earlier.append(settlement);
    earlier.rotate();
    earlier.append(makeSettlement('old-7', 2n, { accountId: 'a' }));
    // No close: the process "died" here.

    const store = new CountingStore();
    const { writer } = await startedWriter(store, { maxBatch: 3 }, directory);
    expect(store.stored.size).toBe(8);
    expect(store.charged.get('a')).toBe(16n);
    expect(writer.pendingCharges('a')).toBe(0n);
    expect(readdirSync(directory)).toEqual([]);
    await writer.close();
  });

  it('rejects start while the store is down, keeps the journal, and can start again', async () => {
    const directory = freshDirectory();
    const earlier = new SettlementJournal({ directory });
    earlier.append(makeSettlement('old-1'));
    earlier.close();

    const store = new CountingStore();
    store.beforeSettle = () => {
      throw new Error('down');
    };
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory }) });
    await expect(writer.start()).rejects.toThrow('down');
    expect(readdirSync(directory)).toHaveLength(1);
    store.beforeSettle = null;
    await writer.start();
    expect(store.stored.has('old-1')).toBe(true);
    await writer.close();
  });

  it('replaying the same journal twice does not charge twice', async () => {
    const directory = freshDirectory();
    const earlier = new SettlementJournal({ directory });
    for (const id of ids('gen', 4)) earlier.append(makeSettlement(id, 5n));
    earlier.close();
    const again = new SettlementJournal({ directory }).replay();

    const store = new CountingStore();
    const { writer } = await startedWriter(store, {}, directory);
    await store.settle(again);
    expect(store.stored.size).toBe(4);
    expect(store.charged.get('account-1')).toBe(20n);
    expect(store.duplicatesOffered).toBe(4);
    await writer.close();
  });
});

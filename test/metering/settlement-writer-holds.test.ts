/** The settlement writer with holds: journaled and stored in order, counted as pending, and read back. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalDirectory, SettlementJournal } from '../../src/metering/settlement-journal.js';
import { decodeSettlementLine, encodeSettlementLine } from '../../src/metering/settlement-line.js';
import { SettlementWriter } from '../../src/metering/settlement-writer.js';
import type { HoldRecord, LedgerRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { generationIdOf, makeSettlement } from './settlement-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-writer-holds-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function freshDirectory(): string {
  counter += 1;
  return journalDirectory(path.join(scratch, `data-${counter}`));
}

function hold(generationId: string, amount: bigint): HoldRecord {
  return { generationId, accountId: 'account-1', keyId: 'key-1', amount, instanceId: 'inst-1', model: 'gpt-4o-mini', endpoint: '/v1/chat/completions', stream: true, createdAt: 1_700_000_000_000 };
}

function settled(id: string, charge: bigint, held: bigint): LedgerSettlement {
  return {
    ...makeSettlement(id, charge),
    heldAmount: held,
    budgetPeriodStart: 1_699_920_000_000,
    attemptLog: [{ attempt: 1, channel: 'openai-main', provider: 'openai', model: 'gpt-4o-mini', status: 'success', upstreamStatus: null, errorCode: null, errorMessage: null, latencyMs: 80, startedAt: 1_700_000_000_000 }],
  };
}

/** Keeps every batch it is given, and the journal lines given with it, in order. */
class RecordingStore {
  readonly batches: LedgerRecord[][] = [];
  /** Each batch's journal lines as text, or undefined when it came without them. */
  readonly lineBatches: (string | undefined)[] = [];
  busy = false;
  async settle(records: LedgerRecord[], journalLines?: Uint8Array): Promise<number> {
    this.busy = true;
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.batches.push(records);
    this.lineBatches.push(journalLines === undefined ? undefined : Buffer.from(journalLines).toString('utf8'));
    this.busy = false;
    return records.length;
  }
}

describe('SettlementWriter with holds', () => {
  it('round-trips hold and settlement lines exactly, and still reads version-1 lines', () => {
    for (const record of [{ hold: hold('gen-1', 123_456_789_012_345_678_901n) }, settled('gen-1', 5n, 9n), makeSettlement('gen-2')]) {
      expect(decodeSettlementLine(encodeSettlementLine(record).trimEnd())).toEqual(record);
    }
    const legacy = JSON.stringify({ v: 1, generation: { ...makeSettlement('gen-3').generation, cost: '1000' }, charge: '1000' });
    expect(decodeSettlementLine(legacy)).toEqual(makeSettlement('gen-3'));
    expect(() => decodeSettlementLine(JSON.stringify({ v: 2, hold: { generationId: 'x' } }))).toThrow();
  });

  it('stores holds and settlements in order, counts them as pending, and tells listeners of its own records', async () => {
    const store = new RecordingStore();
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: freshDirectory(), fsyncIntervalMs: null }), flushIntervalMs: 3_600_000 });
    await writer.start();
    const told: string[] = [];
    writer.addStoredListener((records) => told.push(...records.map((record) => ('hold' in record ? `hold:${record.hold.generationId}` : `settle:${record.generation.id}`))));

    writer.recordHold(hold('gen-a', 500n));
    expect(writer.pendingCharges('account-1')).toBe(500n);
    writer.record(settled('gen-a', 200n, 500n));
    expect(writer.pendingCharges('account-1')).toBe(200n);
    writer.recordHold(hold('gen-b', 300n));
    await writer.flush();
    expect(writer.pendingCharges('account-1')).toBe(0n);
    writer.record(settled('gen-b', 0n, 300n));
    // Held and stored: settling it gives the hold back, so the pending amount is negative.
    expect(writer.pendingCharges('account-1')).toBe(-300n);
    await writer.flush();
    expect(store.batches.flat().map(generationIdOf)).toEqual(['gen-a', 'gen-a', 'gen-b', 'gen-b']);
    expect(told).toEqual(['hold:gen-a', 'settle:gen-a', 'hold:gen-b', 'settle:gen-b']);
    await writer.close();
  });

  it('runs a whenIdle task only between store batches', async () => {
    const store = new RecordingStore();
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory: freshDirectory(), fsyncIntervalMs: null }), flushIntervalMs: 3_600_000 });
    await writer.start();
    writer.recordHold(hold('gen-c', 1n));
    const flushing = writer.flush();
    const seenBusy = await writer.whenIdle(async () => store.busy);
    await flushing;
    expect(seenBusy).toBe(false);
    expect(store.batches).toHaveLength(1);
    await writer.close();
  });

  it('gives the store the journal line of each record, recorded now or read back', async () => {
    const directory = freshDirectory();
    const earlier = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const leftovers: LedgerRecord[] = [{ hold: hold('gen-old', 2n ** 60n + 7n) }, settled('gen-old', 20n, 2n ** 60n + 7n)];
    for (const record of leftovers) earlier.append(record);
    earlier.close();
    const store = new RecordingStore();
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory, fsyncIntervalMs: null }), flushIntervalMs: 3_600_000 });
    await writer.start();
    const [newHold, newSettlement] = [hold('gen-new', 2n ** 58n), settled('gen-new', 2n ** 57n, 2n ** 58n)];
    writer.recordHold(newHold);
    writer.record(newSettlement);
    const live: LedgerRecord[] = [{ hold: newHold }, newSettlement];
    await writer.flush();

    expect(store.batches).toEqual([leftovers, live]);
    // Read back from the segment or recorded now, the store gets the lines the journal holds.
    expect(store.lineBatches[0]).toBe(leftovers.map((record) => encodeSettlementLine(record)).join(''));
    expect(store.lineBatches[1]).toBe(live.map((record) => encodeSettlementLine(record)).join(''));
    await writer.close();
  });

  it('reads holds back from a journal left by an earlier run, without telling listeners', async () => {
    const directory = freshDirectory();
    const earlier = new SettlementJournal({ directory, fsyncIntervalMs: null });
    earlier.append({ hold: hold('gen-old', 70n) });
    earlier.append(settled('gen-old', 20n, 70n));
    earlier.close();
    const store = new RecordingStore();
    const told: LedgerRecord[] = [];
    const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory, fsyncIntervalMs: null }), flushIntervalMs: 3_600_000, onStored: (records) => told.push(...records) });
    await writer.start();
    expect(store.batches.flat().map(generationIdOf)).toEqual(['gen-old', 'gen-old']);
    expect(told).toEqual([]);
    await writer.close();
  });
});

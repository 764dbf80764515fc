import { describe, expect, it } from 'vitest';
import { SettlementQueue } from '../../src/metering/settlement-queue.js';
import type { LedgerRecord } from '../../src/store/ledger-store.js';

const record = (id: string): LedgerRecord => ({ hold: { generationId: id, accountId: 'acct', keyId: null, amount: 1n, instanceId: 'i', model: 'm', endpoint: '/v1/chat/completions', stream: false, createdAt: 0 } });

describe('SettlementQueue', () => {
  it('hands out the oldest records with their lines back to back, and forgets them once dropped', () => {
    const queue = new SettlementQueue();
    const turn = Buffer.from('one\ntwo\nthree\n');
    queue.push(record('1'), turn, 0, 4, 1, true);
    queue.push(record('2'), turn, 4, 8, 1, true);
    queue.push(record('3'), turn, 8, 14, 2, false);
    const first = queue.oldest(2);
    expect(first.map((item) => [item.segment, item.live])).toEqual([[1, true], [1, true]]);
    expect(queue.journalLinesOf(first)!.toString()).toBe('one\ntwo\n');
    queue.drop(first);
    expect(queue.length).toBe(1);
    const rest = queue.oldest(500);
    expect(queue.journalLinesOf(rest)!.toString()).toBe('three\n');
    queue.drop(rest);
    expect(queue.length).toBe(0);
    expect(queue.journalLinesOf(queue.oldest(10))).toBeUndefined();
  });

  it('gives no lines for a batch holding a record without one', () => {
    const queue = new SettlementQueue();
    queue.push(record('1'), Buffer.from('one\n'), 0, 4, null, true);
    queue.push(record('2'), null, 0, 0, null, true);
    expect(queue.journalLinesOf(queue.oldest(2))).toBeUndefined();
    expect(queue.journalLinesOf(queue.oldest(1))!.toString()).toBe('one\n');
  });

  it('keeps order and lines across thousands of records pushed and dropped', () => {
    const queue = new SettlementQueue();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 30; round += 1) {
      for (let index = 0; index < 400; index += 1) {
        const line = Buffer.from(`${next++}\n`);
        queue.push(record(String(next)), line, 0, line.length, null, true);
      }
      const batch = queue.oldest(300);
      const lines = queue.journalLinesOf(batch)!.toString().trimEnd().split('\n').map(Number);
      expect(lines).toEqual(Array.from({ length: 300 }, (_, index) => expected + index));
      expected += 300;
      queue.drop(batch);
    }
    expect(queue.length).toBe(30 * 100);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeSettlementLine, encodeSettlementLine } from '../../src/metering/settlement-line.js';
import type { AttemptRecord, HoldRecord, LedgerRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { attemptRecord } from '../store/store-fixtures.js';
import { makeSettlement } from './settlement-fixtures.js';

/** The line's documented shape, written by the generic serialiser: what the encoder must equal. */
function documentedShape(record: LedgerRecord): unknown {
  if ('hold' in record) return { v: 2, hold: { ...record.hold, amount: record.hold.amount.toString() } };
  const shape: Record<string, unknown> = {
    v: 2,
    generation: { ...record.generation, cost: record.generation.cost.toString() },
    charge: record.charge.toString(),
  };
  if (record.heldAmount !== undefined) shape['held'] = record.heldAmount.toString();
  if (record.budgetPeriodStart !== undefined) shape['period'] = record.budgetPeriodStart;
  if (record.attemptLog !== undefined) shape['attempts'] = record.attemptLog;
  return JSON.parse(JSON.stringify(shape));
}

// Quotes, backslashes, control characters, non-Latin text, an emoji and a lone surrogate.
const AWKWARD = 'say "hi"\\ \n\t\u0001 — 你好 🙂 \ud800 </script>';

function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return attemptRecord({ status: 'error', upstreamStatus: 503, errorCode: 'upstream_unavailable', errorMessage: AWKWARD, latencyMs: 12, ...overrides });
}

const hold: HoldRecord = {
  generationId: 'gen-hold',
  accountId: AWKWARD,
  keyId: null,
  amount: 123_456_789_012_345_678_901n,
  instanceId: 'instance-1',
  model: 'claude-sonnet-4',
  endpoint: '/v1/messages',
  stream: false,
  createdAt: 1_700_000_000_123,
};

const everything: LedgerSettlement = {
  ...makeSettlement('gen-everything', 9_007_199_254_740_993_123n, { model: AWKWARD, errorCode: 'x"y', ttftMs: null, keyId: null }),
  heldAmount: 10_000_000_000_000_000_001n,
  budgetPeriodStart: 1_699_999_000_000,
  attemptLog: [attempt(), attempt({ attempt: 2, status: 'success', upstreamStatus: null, errorCode: null, errorMessage: null, channel: null })],
};

const records: Array<[string, LedgerRecord]> = [
  ['a plain settlement', makeSettlement('gen-plain')],
  ['a settlement with every optional part and awkward text', everything],
  ['a settlement whose budget period is null and attempt log empty', { ...makeSettlement('gen-null-period'), budgetPeriodStart: null, attemptLog: [] }],
  ['a hold', { hold }],
];

describe('settlement line encoding', () => {
  it.each(records)('writes %s as the documented JSON, on one line', (_name, record) => {
    const line = encodeSettlementLine(record);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(JSON.parse(line)).toEqual(documentedShape(record));
    expect(decodeSettlementLine(line.trimEnd())).toEqual(record);
  });

  it('writes a number JSON cannot hold as null, which the reader refuses', () => {
    const line = encodeSettlementLine(makeSettlement('gen-nan', 1n, { latencyMs: Number.NaN }));
    expect(line).toContain('"latencyMs":null');
    expect(() => decodeSettlementLine(line.trimEnd())).toThrow(/latencyMs/);
  });
});

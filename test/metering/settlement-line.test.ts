import { describe, expect, it } from 'vitest';
import { decodeSettlementLine, encodeSettlementLine } from '../../src/metering/settlement-line.js';
import type { AttemptRecord, HoldRecord, LedgerRecord, LedgerSettlement } from '../../src/store/ledger-store.js';
import { attemptRecord } from '../store/store-fixtures.js';
import { makeSettlement } from './settlement-fixtures.js';

const GENERATION_ORDER = [
  'id', 'accountId', 'keyId', 'model', 'provider', 'channel', 'endpoint', 'status', 'httpStatus', 'errorCode', 'stream',
  'promptTokens', 'completionTokens', 'cachedTokens', 'cacheWriteTokens', 'reasoningTokens', 'usageEstimated', 'cost',
  'latencyMs', 'ttftMs', 'attempts', 'createdAt',
] as const;
const ATTEMPT_ORDER = ['attempt', 'channel', 'provider', 'model', 'status', 'upstreamStatus', 'errorCode', 'errorMessage', 'latencyMs', 'startedAt'] as const;

/** The line's documented shape, written by the generic serialiser: what the encoder must equal. */
function documentedShape(record: LedgerRecord): unknown {
  if ('hold' in record) return { v: 2, hold: { ...record.hold, amount: record.hold.amount.toString() } };
  const generation = { ...record.generation, cost: record.generation.cost.toString() };
  const shape = [
    3,
    ...GENERATION_ORDER.map((field) => generation[field]),
    record.charge.toString(),
    record.heldAmount === undefined ? null : record.heldAmount.toString(),
    record.budgetPeriodStart === undefined ? false : record.budgetPeriodStart,
    record.attemptLog === undefined ? null : record.attemptLog.map((attempt) => ATTEMPT_ORDER.map((field) => attempt[field])),
  ];
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
  ['a settlement with a budget period and no attempt log', { ...makeSettlement('gen-period'), budgetPeriodStart: 1_699_999_000_000 }],
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
    expect((JSON.parse(line) as unknown[])[1 + GENERATION_ORDER.indexOf('latencyMs')]).toBeNull();
    expect(() => decodeSettlementLine(line.trimEnd())).toThrow(/latencyMs/);
  });

  it('refuses a line of the current version with a value missing or of the wrong type', () => {
    const line = JSON.parse(encodeSettlementLine(everything)) as unknown[];
    expect(() => decodeSettlementLine(JSON.stringify(line.slice(0, -1)))).toThrow(/not a settlement journal line/);
    const textCharge = [...line];
    textCharge[23] = 12;
    expect(() => decodeSettlementLine(JSON.stringify(textCharge))).toThrow(/charge/);
    const badStatus = [...line];
    badStatus[1 + GENERATION_ORDER.indexOf('status')] = 'pending';
    expect(() => decodeSettlementLine(JSON.stringify(badStatus))).toThrow(/unknown status pending/);
    const shortAttempt = [...line];
    shortAttempt[26] = [[1, null, null, 'gpt-4o-mini', 'success']];
    expect(() => decodeSettlementLine(JSON.stringify(shortAttempt))).toThrow(/attempt/);
    expect(() => decodeSettlementLine(JSON.stringify([4, ...line.slice(1)]))).toThrow(/not a settlement journal line/);
  });

  it('still reads the lines of versions 1 and 2', () => {
    const generation = { ...everything.generation, cost: everything.generation.cost.toString() };
    const attempts = everything.attemptLog!;
    const version2 = {
      v: 2,
      generation,
      charge: everything.charge.toString(),
      held: everything.heldAmount!.toString(),
      period: everything.budgetPeriodStart,
      attempts,
    };
    expect(decodeSettlementLine(JSON.stringify(version2))).toEqual(everything);
    const version1 = { v: 1, generation, charge: everything.charge.toString() };
    expect(decodeSettlementLine(JSON.stringify(version1))).toEqual({ generation: everything.generation, charge: everything.charge });
    expect(() => decodeSettlementLine(JSON.stringify({ ...version2, attempts: [{ ...attempts[0], status: 'pending' }] }))).toThrow(/attempt status/);
  });
});

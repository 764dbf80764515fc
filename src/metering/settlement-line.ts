/**
 * One ledger record as one line of the settlement journal (NDJSON).
 *
 * Version 2, the one written:
 * - a hold taken before a request went upstream: `{"v":2,"hold":{…HoldRecord…}}`;
 * - a finished request: `{"v":2,"generation":{…},"charge":"<units>","held":"<units>",
 *   "period":<ms>|null,"attempts":[…]}`, where `held` is the hold released in the same step and
 *   `period` the start of the key's budget period the charge counts toward (each optional).
 * Version 1 (`{"v":1,"generation":{…},"charge":"<units>"}`) is still read. Money is written as
 * decimal strings, because JSON numbers lose precision past 2^53 and amounts are bigint units of
 * 10^-12 USD.
 */
import type { GenerationRecord, GenerationStatus } from '../store/store.js';
// Types only: the crash test runs this file on its own, compiled without its neighbours.
import type { AttemptRecord, AttemptStatus, HoldRecord, LedgerRecord, LedgerSettlement } from '../store/ledger-store.js';

const FORMAT_VERSION = 2;

export function encodeSettlementLine(record: LedgerRecord): string {
  if ('hold' in record) return `{"v":${FORMAT_VERSION},"hold":${encodeHold(record.hold)}}\n`;
  // Written field by field: the generic JSON.stringify walk was a measurable share of the request's CPU.
  // Optional parts are written only when present, so that a record reads back exactly as written.
  let line = `{"v":${FORMAT_VERSION},"generation":${encodeGeneration(record.generation)},"charge":"${record.charge}"`;
  if (record.heldAmount !== undefined) line += `,"held":"${record.heldAmount}"`;
  if (record.budgetPeriodStart !== undefined) line += `,"period":${nullableNumber(record.budgetPeriodStart)}`;
  if (record.attemptLog !== undefined) line += `,"attempts":${encodeAttempts(record.attemptLog)}`;
  return `${line}}\n`;
}

/** As JSON.stringify writes a number: non-finite values become null (and are refused when read). */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function nullableNumber(value: number | null): string {
  return value === null ? 'null' : number(value);
}

// Anything JSON might escape (quotes, backslash, control characters, and all non-ASCII, which
// covers lone surrogates) goes through JSON.stringify; ids and names, nearly always plain
// ASCII, are quoted directly, which is about three times faster.
const MAY_NEED_ESCAPING = /["\\\u0000-\u001f\u007f-\uffff]/;

function string(value: string): string {
  return MAY_NEED_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function nullableString(value: string | null): string {
  return value === null ? 'null' : string(value);
}

function encodeGeneration(generation: GenerationRecord): string {
  return (
    `{"id":${string(generation.id)},"accountId":${string(generation.accountId)}` +
    `,"keyId":${nullableString(generation.keyId)},"model":${string(generation.model)}` +
    `,"provider":${nullableString(generation.provider)},"channel":${nullableString(generation.channel)}` +
    `,"endpoint":${string(generation.endpoint)},"status":${string(generation.status)}` +
    `,"httpStatus":${number(generation.httpStatus)},"errorCode":${nullableString(generation.errorCode)}` +
    `,"stream":${generation.stream === true},"promptTokens":${number(generation.promptTokens)}` +
    `,"completionTokens":${number(generation.completionTokens)},"cachedTokens":${number(generation.cachedTokens)}` +
    `,"cacheWriteTokens":${number(generation.cacheWriteTokens)},"reasoningTokens":${number(generation.reasoningTokens)}` +
    `,"usageEstimated":${generation.usageEstimated === true},"cost":"${generation.cost}"` +
    `,"latencyMs":${number(generation.latencyMs)},"ttftMs":${nullableNumber(generation.ttftMs)}` +
    `,"attempts":${number(generation.attempts)},"createdAt":${number(generation.createdAt)}}`
  );
}

function encodeHold(hold: HoldRecord): string {
  return (
    `{"generationId":${string(hold.generationId)},"accountId":${string(hold.accountId)}` +
    `,"keyId":${nullableString(hold.keyId)},"amount":"${hold.amount}","instanceId":${string(hold.instanceId)}` +
    `,"model":${string(hold.model)},"endpoint":${string(hold.endpoint)}` +
    `,"stream":${hold.stream === true},"createdAt":${number(hold.createdAt)}}`
  );
}

/** Attempts as a JSON array, as the journal writes them (the store's `attempt_log` column too). */
export function encodeAttempts(attempts: readonly AttemptRecord[]): string {
  let text = '[';
  for (let index = 0; index < attempts.length; index += 1) {
    if (index > 0) text += ',';
    text += encodeAttempt(attempts[index]!);
  }
  return `${text}]`;
}

function encodeAttempt(attempt: AttemptRecord): string {
  return (
    `{"attempt":${number(attempt.attempt)},"channel":${nullableString(attempt.channel)}` +
    `,"provider":${nullableString(attempt.provider)},"model":${string(attempt.model)}` +
    `,"status":${string(attempt.status)},"upstreamStatus":${nullableNumber(attempt.upstreamStatus)}` +
    `,"errorCode":${nullableString(attempt.errorCode)},"errorMessage":${nullableString(attempt.errorMessage)}` +
    `,"latencyMs":${number(attempt.latencyMs)},"startedAt":${number(attempt.startedAt)}}`
  );
}

const STATUSES: ReadonlySet<string> = new Set<GenerationStatus>(['success', 'error', 'cancelled']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readString(source: Record<string, unknown>, key: string): string {
  const value = source[key];
  if (typeof value !== 'string') throw new TypeError(`${key} is not a string`);
  return value;
}

function readNullableString(source: Record<string, unknown>, key: string): string | null {
  const value = source[key];
  if (value === null) return null;
  if (typeof value !== 'string') throw new TypeError(`${key} is not a string or null`);
  return value;
}

function readNumber(source: Record<string, unknown>, key: string): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${key} is not a number`);
  return value;
}

function readNullableNumber(source: Record<string, unknown>, key: string): number | null {
  return source[key] === null ? null : readNumber(source, key);
}

function readBoolean(source: Record<string, unknown>, key: string): boolean {
  const value = source[key];
  if (typeof value !== 'boolean') throw new TypeError(`${key} is not a boolean`);
  return value;
}

function readUnits(source: Record<string, unknown>, key: string): bigint {
  const value = readString(source, key);
  if (!/^-?\d+$/.test(value)) throw new TypeError(`${key} is not an integer amount`);
  return BigInt(value);
}

function decodeGeneration(source: Record<string, unknown>): GenerationRecord {
  const status = readString(source, 'status');
  if (!STATUSES.has(status)) throw new TypeError(`unknown status ${status}`);
  return {
    id: readString(source, 'id'),
    accountId: readString(source, 'accountId'),
    keyId: readNullableString(source, 'keyId'),
    model: readString(source, 'model'),
    provider: readNullableString(source, 'provider'),
    channel: readNullableString(source, 'channel'),
    endpoint: readString(source, 'endpoint'),
    status: status as GenerationStatus,
    httpStatus: readNumber(source, 'httpStatus'),
    errorCode: readNullableString(source, 'errorCode'),
    stream: readBoolean(source, 'stream'),
    promptTokens: readNumber(source, 'promptTokens'),
    completionTokens: readNumber(source, 'completionTokens'),
    cachedTokens: readNumber(source, 'cachedTokens'),
    cacheWriteTokens: readNumber(source, 'cacheWriteTokens'),
    reasoningTokens: readNumber(source, 'reasoningTokens'),
    usageEstimated: readBoolean(source, 'usageEstimated'),
    cost: readUnits(source, 'cost'),
    latencyMs: readNumber(source, 'latencyMs'),
    ttftMs: readNullableNumber(source, 'ttftMs'),
    attempts: readNumber(source, 'attempts'),
    createdAt: readNumber(source, 'createdAt'),
  };
}

const ATTEMPT_STATUSES: ReadonlySet<string> = new Set<AttemptStatus>(['success', 'error', 'cancelled']);

function decodeHold(source: Record<string, unknown>): HoldRecord {
  return {
    generationId: readString(source, 'generationId'),
    accountId: readString(source, 'accountId'),
    keyId: readNullableString(source, 'keyId'),
    amount: readUnits(source, 'amount'),
    instanceId: readString(source, 'instanceId'),
    model: readString(source, 'model'),
    endpoint: readString(source, 'endpoint'),
    stream: readBoolean(source, 'stream'),
    createdAt: readNumber(source, 'createdAt'),
  };
}

/** Reads one attempt of `encodeAttempts` back from parsed JSON; throws on anything else. */
export function decodeAttempt(value: unknown): AttemptRecord {
  if (!isRecord(value)) throw new TypeError('attempt is not an object');
  const status = readString(value, 'status');
  if (!ATTEMPT_STATUSES.has(status)) throw new TypeError(`unknown attempt status ${status}`);
  return {
    attempt: readNumber(value, 'attempt'),
    channel: readNullableString(value, 'channel'),
    provider: readNullableString(value, 'provider'),
    model: readString(value, 'model'),
    status: status as AttemptStatus,
    upstreamStatus: readNullableNumber(value, 'upstreamStatus'),
    errorCode: readNullableString(value, 'errorCode'),
    errorMessage: readNullableString(value, 'errorMessage'),
    latencyMs: readNumber(value, 'latencyMs'),
    startedAt: readNumber(value, 'startedAt'),
  };
}

/** Parses one line (without its "\n"); throws on anything that is not a whole version-1 or -2 line. */
export function decodeSettlementLine(line: string): LedgerRecord {
  const parsed: unknown = JSON.parse(line);
  if (!isRecord(parsed) || (parsed['v'] !== 1 && parsed['v'] !== FORMAT_VERSION)) {
    throw new TypeError('not a settlement journal line');
  }
  if (parsed['v'] === FORMAT_VERSION && isRecord(parsed['hold'])) return { hold: decodeHold(parsed['hold']) };
  if (!isRecord(parsed['generation'])) throw new TypeError('not a settlement journal line');
  const settlement: LedgerSettlement = { generation: decodeGeneration(parsed['generation']), charge: readUnits(parsed, 'charge') };
  if ('held' in parsed) settlement.heldAmount = readUnits(parsed, 'held');
  if ('period' in parsed) settlement.budgetPeriodStart = readNullableNumber(parsed, 'period');
  if ('attempts' in parsed) {
    const attempts = parsed['attempts'];
    if (!Array.isArray(attempts)) throw new TypeError('attempts is not an array');
    settlement.attemptLog = attempts.map(decodeAttempt);
  }
  return settlement;
}

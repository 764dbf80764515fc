/**
 * One settlement as one line of the settlement journal (NDJSON).
 *
 * Format, version 1: `{"v":1,"generation":{…GenerationRecord…},"charge":"<units>"}` followed by
 * "\n". Money (`generation.cost`, `charge`) is written as a decimal string, because JSON numbers
 * lose precision past 2^53 and the amounts are bigint units of 10^-12 USD.
 */
import type { GenerationRecord, GenerationStatus, Settlement } from '../store/store.js';

const FORMAT_VERSION = 1;

export function encodeSettlementLine(settlement: Settlement): string {
  const { generation, charge } = settlement;
  return `${JSON.stringify({
    v: FORMAT_VERSION,
    generation: { ...generation, cost: generation.cost.toString() },
    charge: charge.toString(),
  })}\n`;
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

/** Parses one line (without its "\n"); throws on anything that is not a whole version-1 line. */
export function decodeSettlementLine(line: string): Settlement {
  const parsed: unknown = JSON.parse(line);
  if (!isRecord(parsed) || parsed['v'] !== FORMAT_VERSION || !isRecord(parsed['generation'])) {
    throw new TypeError('not a settlement journal line');
  }
  return { generation: decodeGeneration(parsed['generation']), charge: readUnits(parsed, 'charge') };
}

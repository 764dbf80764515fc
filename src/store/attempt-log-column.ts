/**
 * A generation's upstream attempts, kept as JSON text in its own row (`generations.attempt_log`,
 * migration 0007): an array of attempt objects with the fields of `AttemptRecord`, in attempt
 * order. One row per request instead of a row in `generation_attempts` too: that table's insert,
 * with its own b-trees and foreign-key check, was a fifth of the cost of settling a request.
 * Generations stored before 0007 keep their attempts in `generation_attempts`.
 */
import type { AttemptRecord, AttemptStatus } from './ledger-store.js';

const MAX_ERROR_MESSAGE = 500;
const STATUSES: ReadonlySet<string> = new Set<AttemptStatus>(['success', 'error', 'cancelled']);

/** The column's text, or null for a generation without attempts. Error messages are cut to 500 characters. */
export function encodeAttemptLog(attempts: readonly AttemptRecord[] | undefined): string | null {
  if (attempts === undefined || attempts.length === 0) return null;
  const bounded = attempts.some((attempt) => attempt.errorMessage !== null && attempt.errorMessage.length > MAX_ERROR_MESSAGE)
    ? attempts.map((attempt) => ({ ...attempt, errorMessage: boundedMessage(attempt.errorMessage) }))
    : attempts;
  return JSON.stringify(bounded);
}

export function boundedMessage(message: string | null): string | null {
  return message === null ? null : message.slice(0, MAX_ERROR_MESSAGE);
}

/** Reads the column back; throws when the text is not an attempt log. */
export function decodeAttemptLog(text: string): AttemptRecord[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new TypeError('attempt_log is not a JSON array');
  return parsed.map((item, index) => decodeAttempt(item, index));
}

function decodeAttempt(item: unknown, index: number): AttemptRecord {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new TypeError(`attempt_log[${index}] is not an object`);
  const source = item as Record<string, unknown>;
  const status = source['status'];
  if (typeof status !== 'string' || !STATUSES.has(status)) throw new TypeError(`attempt_log[${index}].status is not an attempt status`);
  return {
    attempt: integer(source, 'attempt', index),
    channel: nullableString(source, 'channel', index),
    provider: nullableString(source, 'provider', index),
    model: string(source, 'model', index),
    status: status as AttemptStatus,
    upstreamStatus: source['upstreamStatus'] === null ? null : integer(source, 'upstreamStatus', index),
    errorCode: nullableString(source, 'errorCode', index),
    errorMessage: nullableString(source, 'errorMessage', index),
    latencyMs: integer(source, 'latencyMs', index),
    startedAt: integer(source, 'startedAt', index),
  };
}

function integer(source: Record<string, unknown>, key: string, index: number): number {
  const value = source[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`attempt_log[${index}].${key} is not an integer`);
  return value;
}

function string(source: Record<string, unknown>, key: string, index: number): string {
  const value = source[key];
  if (typeof value !== 'string') throw new TypeError(`attempt_log[${index}].${key} is not a string`);
  return value;
}

function nullableString(source: Record<string, unknown>, key: string, index: number): string | null {
  return source[key] === null ? null : string(source, key, index);
}

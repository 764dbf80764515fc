/**
 * A generation's upstream attempts, kept as JSON text in its own row (`generations.attempt_log`,
 * migration 0007), in the format the settlement journal writes them: an array of attempt objects
 * with the fields of `AttemptRecord`, in attempt order. One row per request instead of a row in
 * `generation_attempts` too: that table's insert, with its own b-trees and foreign-key check, was a
 * fifth of the cost of settling a request. Generations stored before 0007 keep their attempts in
 * `generation_attempts`.
 */
import { decodeAttempt, encodeAttempts } from '../metering/settlement-line.js';
import type { AttemptRecord } from './ledger-store.js';

const MAX_ERROR_MESSAGE = 500;

/** The column's text, or null for a generation without attempts. Error messages are cut to 500 characters. */
export function encodeAttemptLog(attempts: readonly AttemptRecord[] | undefined): string | null {
  if (attempts === undefined || attempts.length === 0) return null;
  const bounded = attempts.some((attempt) => attempt.errorMessage !== null && attempt.errorMessage.length > MAX_ERROR_MESSAGE)
    ? attempts.map((attempt) => ({ ...attempt, errorMessage: boundedMessage(attempt.errorMessage) }))
    : attempts;
  return encodeAttempts(bounded);
}

export function boundedMessage(message: string | null): string | null {
  return message === null ? null : message.slice(0, MAX_ERROR_MESSAGE);
}

/** Reads the column back; throws when the text is not an attempt log. */
export function decodeAttemptLog(text: string): AttemptRecord[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new TypeError('attempt_log is not a JSON array');
  return parsed.map(decodeAttempt);
}

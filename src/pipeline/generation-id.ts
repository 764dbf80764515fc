import { randomBytes } from 'node:crypto';

/**
 * A generation id: time-ordered (milliseconds in base 36, so ids sort by creation) plus 12 random
 * bytes. It names the request everywhere: response ids, `x-request-id`, usage records, ledger.
 */
export function newGenerationId(now: number = Date.now()): string {
  return `gen-${now.toString(36)}${randomBytes(12).toString('base64url')}`;
}

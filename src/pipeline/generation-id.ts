import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES_PER_ID = 12;
// One system call fills randomness for many ids: a call per request showed in profiles.
const pool = Buffer.allocUnsafe(RANDOM_BYTES_PER_ID * 512);
let offset = pool.length;

function randomPart(): string {
  if (offset + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const part = pool.toString('base64url', offset, offset + RANDOM_BYTES_PER_ID);
  offset += RANDOM_BYTES_PER_ID;
  return part;
}

/**
 * A generation id: time-ordered (milliseconds in base 36, so ids sort by creation) plus 12 random
 * bytes. It names the request everywhere: response ids, `x-request-id`, usage records, ledger.
 */
export function newGenerationId(now: number = Date.now()): string {
  return `gen-${now.toString(36)}${randomPart()}`;
}

import { randomFillSync } from 'node:crypto';

const RANDOM_BYTES_PER_ID = 12;
// 12 bytes are 16 base64url characters, without padding: the pool's text splits into ids' parts.
const RANDOM_CHARACTERS_PER_ID = (RANDOM_BYTES_PER_ID / 3) * 4;
const IDS_PER_POOL = 512;
// One system call and one encoding fill randomness for many ids: a call per request showed in profiles.
const pool = Buffer.allocUnsafe(RANDOM_BYTES_PER_ID * IDS_PER_POOL);
let poolText = '';
let used = IDS_PER_POOL;

function randomPart(): string {
  if (used === IDS_PER_POOL) {
    randomFillSync(pool);
    poolText = pool.toString('base64url');
    used = 0;
  }
  const start = used * RANDOM_CHARACTERS_PER_ID;
  used += 1;
  return poolText.slice(start, start + RANDOM_CHARACTERS_PER_ID);
}

// Requests that start in the same millisecond share its base-36 text.
let lastTime = Number.NaN;
let lastTimeText = '';

/**
 * A generation id: time-ordered (milliseconds in base 36, so ids sort by creation) plus 12 random
 * bytes. It names the request everywhere: response ids, `x-request-id`, usage records, ledger.
 */
export function newGenerationId(now: number = Date.now()): string {
  if (now !== lastTime) {
    lastTime = now;
    lastTimeText = now.toString(36);
  }
  return `gen-${lastTimeText}${randomPart()}`;
}

/**
 * The rate-limit messages between a worker and the primary: a request's admission (one round
 * trip, only for a key or account with an RPM or TPM limit) and the tokens it used (a note).
 * Only the ids and the limits of the caller travel: that is all rate limits read.
 */
import type { Caller } from '../accounts/api-key-authenticator.js';

/** Call, worker → primary: [LimitedCaller, estimated prompt tokens]; fails with the 429. */
export const LIMITS_ADMIT = 'limits.admit';
/** Note, worker → primary: [LimitedCaller, tokens used]. */
export const LIMITS_RECORD = 'limits.record';

export type LimitedCaller = [keyId: string, keyRpm: number | null, keyTpm: number | null, accountId: string, accountRpm: number | null, accountTpm: number | null];

export function limitedCaller(caller: Caller): LimitedCaller {
  const { key, account } = caller;
  return [key.id, key.rpm ?? null, key.tpm ?? null, account.id, account.rpm ?? null, account.tpm ?? null];
}

/** `RateLimits` reads only the ids and the limits of a caller; this is that much of one. */
export function callerOfLimits([keyId, keyRpm, keyTpm, accountId, accountRpm, accountTpm]: LimitedCaller): Caller {
  return { key: { id: keyId, rpm: keyRpm, tpm: keyTpm }, account: { id: accountId, rpm: accountRpm, tpm: accountTpm } } as unknown as Caller;
}

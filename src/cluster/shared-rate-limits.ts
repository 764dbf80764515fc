/**
 * The RPM and TPM windows of every worker, kept in the primary when there is no Redis: one
 * `RateLimits` in its memory, the same code a lone process counts with, answering the workers'
 * `IpcKeyGovernance`.
 */
import { RateLimits } from '../accounts/rate-limits.js';
import type { WarningLogger } from '../accounts/window-counter.js';
import type { IpcPeer } from './ipc-peer.js';
import { callerOfLimits, LIMITS_ADMIT, LIMITS_RECORD, type LimitedCaller } from './rate-limit-messages.js';

export function createSharedRateLimits(logger: WarningLogger, windowSeconds = 60): RateLimits {
  return new RateLimits({ redis: null, keyPrefix: 'switchyard:rate:', windowSeconds }, logger);
}

export function serveRateLimits(peer: IpcPeer, limits: RateLimits): void {
  peer.onCall(LIMITS_ADMIT, async (payload) => {
    const [caller, estimate] = payload as [LimitedCaller, number];
    await limits.admit(callerOfLimits(caller), estimate);
  });
  peer.onNote(LIMITS_RECORD, (payload) => {
    const [caller, tokens] = payload as [LimitedCaller, number];
    limits.recordTokens(callerOfLimits(caller), tokens);
  });
}

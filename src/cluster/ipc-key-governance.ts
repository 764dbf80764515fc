/**
 * A worker's key governance when there is no Redis: allowlists are checked here as always, while
 * the RPM and TPM windows are counted in the primary (`shared-rate-limits.ts`), so that a limit
 * holds across the workers. A key and account with no limit cost no message at all.
 */
import type { Caller } from '../accounts/api-key-authenticator.js';
import { KeyGovernance, type KeyAdmission, type KeyGovernanceOptions } from '../accounts/key-governance.js';
import { hasRateLimits } from '../accounts/rate-limits.js';
import type { IpcPeer } from './ipc-peer.js';
import { LIMITS_ADMIT, LIMITS_RECORD, limitedCaller } from './rate-limit-messages.js';

export class IpcKeyGovernance extends KeyGovernance {
  constructor(
    private readonly primary: IpcPeer,
    options: Omit<KeyGovernanceOptions, 'redis'> = {},
  ) {
    super({ ...options, redis: null });
  }

  override async admit(caller: Caller, admission: KeyAdmission): Promise<void> {
    if (!hasRateLimits(caller)) return super.admit(caller, admission);
    // The allowlists as usual, with this process's own windows left out of it.
    await super.admit(withoutLimits(caller), admission);
    await this.primary.call(LIMITS_ADMIT, [limitedCaller(caller), admission.estimatedPromptTokens]);
  }

  override recordTokens(caller: Caller, tokens: number): void {
    if ((caller.key.tpm ?? null) === null && (caller.account.tpm ?? null) === null) return;
    this.primary.notify(LIMITS_RECORD, [limitedCaller(caller), tokens]);
  }

  override async flush(): Promise<void> {
    this.primary.flush();
  }
}

function withoutLimits(caller: Caller): Caller {
  return { key: { ...caller.key, rpm: null, tpm: null }, account: { ...caller.account, rpm: null, tpm: null } };
}

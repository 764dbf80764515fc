import { applyMultiplier } from '../accounts/account-group-pricing.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import type { AccountPolicy } from './pipeline-ports.js';

/** An amount as this caller pays it: scaled once by the account group's multiplier, if any. */
export function callerAmount(policy: AccountPolicy | undefined, caller: Caller, units: bigint): bigint {
  const ratio = policy?.priceMultiplier(caller.account.id);
  return ratio ? applyMultiplier(units, ratio) : units;
}

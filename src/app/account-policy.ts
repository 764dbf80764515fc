import type { Caller } from '../accounts/api-key-authenticator.js';
import type { KeyGovernance } from '../accounts/key-governance.js';
import type { AccountGroupCache } from '../accounts/account-group-cache.js';
import { channelPool, effectiveMultiplier, type PriceRatio } from '../accounts/account-group-pricing.js';
import { hasRateLimits } from '../accounts/rate-limits.js';
import type { AccountPolicy } from '../pipeline/pipeline-ports.js';

/** The pipeline's view of key governance (allowlists, rate limits) and account groups. */
export function createAccountPolicy(governance: KeyGovernance, groups: AccountGroupCache): AccountPolicy {
  return {
    admit(caller: Caller, facts) {
      // Nothing to count: the allowlist is all there is, checked without a promise (each is a turn
      // of the microtask queue on the request's way upstream).
      if (!hasRateLimits(caller)) {
        governance.checkClientIp(caller, facts.clientAddress);
        return undefined;
      }
      // The prompt is counted only when a token limit needs it: counting costs CPU on big prompts.
      const limitsTokens = caller.key.tpm !== null || (caller.account.tpm ?? null) !== null;
      return governance.admit(caller, { clientAddress: facts.clientAddress, estimatedPromptTokens: limitsTokens ? facts.estimatedPromptTokens() : 0 });
    },
    recordTokens: (caller, tokens) => governance.recordTokens(caller, tokens),
    channelPool: (accountId) => channelPool(groups.groupOf(accountId)),
    priceMultiplier: (accountId): PriceRatio => effectiveMultiplier(groups.groupOf(accountId)),
  };
}

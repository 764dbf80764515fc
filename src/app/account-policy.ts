import type { Caller } from '../accounts/api-key-authenticator.js';
import type { KeyGovernance } from '../accounts/key-governance.js';
import type { AccountGroupCache } from '../accounts/account-group-cache.js';
import { channelPool, effectiveMultiplier, type PriceRatio } from '../accounts/account-group-pricing.js';
import type { AccountPolicy } from '../pipeline/pipeline-ports.js';

/** The pipeline's view of key governance (allowlists, rate limits) and account groups. */
export function createAccountPolicy(governance: KeyGovernance, groups: AccountGroupCache): AccountPolicy {
  return {
    async admit(caller: Caller, facts) {
      // The prompt is counted only when a token limit needs it: counting costs CPU on big prompts.
      const limitsTokens = caller.key.tpm !== null || (caller.account.tpm ?? null) !== null;
      await governance.admit(caller, { clientAddress: facts.clientAddress, estimatedPromptTokens: limitsTokens ? facts.estimatedPromptTokens() : 0 });
    },
    recordTokens: (caller, tokens) => governance.recordTokens(caller, tokens),
    channelPool: (accountId) => channelPool(groups.groupOf(accountId)),
    priceMultiplier: (accountId): PriceRatio => effectiveMultiplier(groups.groupOf(accountId)),
  };
}

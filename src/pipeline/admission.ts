import { GatewayError } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';

/** Refuses a request the key may not make: a model outside its allowlist. */
export function checkModelAllowed(caller: Caller, requestedName: string, modelId: string): void {
  const allowed = caller.key.models;
  if (allowed.length === 0 || allowed.includes(requestedName) || allowed.includes(modelId)) return;
  throw new GatewayError('model_not_allowed', `This API key may not use the model '${requestedName}'.`, { param: 'model' });
}

/**
 * Refuses a priced request that the account's credit or the key's budget cannot start.
 * `pending` is what was charged but not yet written to the store.
 */
export function checkCredit(caller: Caller, pending: bigint, isPriced: boolean): void {
  if (!isPriced) return;
  if (caller.account.balance - pending <= 0n) {
    throw new GatewayError('insufficient_credit', 'Your credit is exhausted: add credit to continue.');
  }
  const { budget, spent } = caller.key;
  if (budget !== null && spent >= budget) {
    throw new GatewayError('insufficient_credit', 'This API key has spent its budget.');
  }
}

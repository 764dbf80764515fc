import { GatewayError } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import { modelAllowlistOf } from '../accounts/model-allowlist.js';

/**
 * Refuses a request the key may not make: a model outside its allowlist. An entry (exact id or
 * `*` pattern) matches the name as requested (`openai/gpt-4o` for a pinned request), the catalog
 * id, or `creator/id` when the model's creator is given.
 */
export function checkModelAllowed(caller: Caller, requestedName: string, modelId: string, creator?: string | null): void {
  const allowlist = modelAllowlistOf(caller.key.models);
  if (allowlist.allowsEveryModel) return;
  if (allowlist.allows(requestedName, modelId) || (creator && allowlist.allows(`${creator}/${modelId}`))) return;
  throw new GatewayError('model_not_allowed', `This API key may not use the model '${requestedName}'.`, { param: 'model' });
}

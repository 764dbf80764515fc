/**
 * `GET /api/prices/{model id}`: what the caller pays for a model — our price times the price
 * multiplier of the caller's account group — beside our price before the multiplier.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SnapshotPrice } from '../../catalog/catalog-snapshot.js';
import { encodePrice } from '../../catalog/encode-catalog-model.js';
import { GatewayError } from '../../core/index.js';
import { effectiveMultiplier } from '../../accounts/account-group-pricing.js';
import { effectivePrice } from '../../accounts/effective-price.js';
import type { AccountGroupRecord } from '../../store/account-group-store.js';
import type { PrincipalResolver } from '../principal.js';
import { parseQuery } from './parse-request-input.js';

export interface EffectivePriceRouteDependencies {
  principals: Pick<PrincipalResolver, 'resolve'>;
  /** Our price (USD per 1M) of the model, as served by `provider` when given (`CatalogEncodingContext.ourPrice`). */
  priceOf: (modelId: string, provider: string | null) => SnapshotPrice | null;
  /** The account's group (`AccountGroupCache.groupOf`, or the store). */
  groupOf: (accountId: string) => AccountGroupRecord | null | Promise<AccountGroupRecord | null>;
}

const priceQuery = z.object({ provider: z.string().min(1).max(100).optional() });

export function registerEffectivePriceRoute(app: FastifyInstance, deps: EffectivePriceRouteDependencies): void {
  app.get('/api/prices/*', async (request) => {
    const { account } = await deps.principals.resolve(request.headers);
    const modelId = (request.params as { '*'?: string })['*'] ?? '';
    const query = parseQuery(priceQuery, request.query);
    const provider = query.provider ?? null;
    const base = modelId === '' ? null : deps.priceOf(modelId, provider);
    if (!base) {
      throw new GatewayError('model_not_found', `The model '${modelId}' does not exist or has no price.`, { param: 'model' });
    }
    const group = await deps.groupOf(account.id);
    return {
      model: modelId,
      provider,
      group: group?.name ?? null,
      price_multiplier: group?.priceMultiplier ?? '1',
      pricing: encodePrice(effectivePrice(base, effectiveMultiplier(group))),
      base_pricing: encodePrice(base),
    };
  });
}

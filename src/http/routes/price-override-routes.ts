/**
 * `/api/admin/prices/{model id}`: our price of a model set through the admin API (USD per 1M
 * tokens; per image / per request for `image` / `request`), for the whole model or one provider's
 * offer. The price book takes them in through `loadPriceOverrides`. Administrators only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { unitsToUsdString } from '../../metering/money.js';
import type { PriceOverrideAmounts, PriceOverrideRecord, PriceOverrideStore } from '../../store/price-override-store.js';
import type { PrincipalResolver } from '../principal.js';
import { parseBody, parseQuery, usdAmountSchema } from './parse-request-input.js';

export interface PriceOverrideRoutesDependencies {
  principals: Pick<PrincipalResolver, 'requireAdmin'>;
  prices: PriceOverrideStore;
  /** When given, an override for a model it does not know is refused with 404. */
  isKnownModel?: (modelId: string) => boolean;
  /** After a change: rebuild the price book with the new overrides. */
  onPricesChanged?: () => void;
  now?: () => number;
}

const price = usdAmountSchema.refine((units) => units >= 0n, 'must not be negative').transform(unitsToUsdString);

const putBody = z
  .strictObject({
    provider: z.string().min(1).max(100).nullish(),
    input: price.optional(),
    output: price.optional(),
    cached_input: price.optional(),
    cache_write: price.optional(),
    reasoning: price.optional(),
    image: price.optional(),
    request: price.optional(),
  })
  .refine(
    (body) => [body.input, body.output, body.cached_input, body.cache_write, body.reasoning, body.image, body.request].some((value) => value !== undefined),
    { message: 'name at least one price: input, output, cached_input, cache_write, reasoning, image or request' },
  );

const providerQuery = z.object({ provider: z.string().min(1).max(100).optional() });

export function registerPriceOverrideRoutes(app: FastifyInstance, deps: PriceOverrideRoutesDependencies): void {
  const now = deps.now ?? Date.now;

  app.get('/api/admin/prices', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    return { data: (await deps.prices.listPriceOverrides()).map(encodeOverride) };
  });

  app.get('/api/admin/prices/*', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const modelId = modelIdOf(request.params);
    return { model: modelId, data: (await deps.prices.listPriceOverrides(modelId)).map(encodeOverride) };
  });

  app.put('/api/admin/prices/*', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const modelId = modelIdOf(request.params);
    const body = parseBody(putBody, request.body);
    if (deps.isKnownModel && !deps.isKnownModel(modelId)) {
      throw new GatewayError('model_not_found', `The model '${modelId}' does not exist.`, { param: 'model' });
    }
    const pricing: PriceOverrideAmounts = {};
    if (body.input !== undefined) pricing.input = body.input;
    if (body.output !== undefined) pricing.output = body.output;
    if (body.cached_input !== undefined) pricing.cachedInput = body.cached_input;
    if (body.cache_write !== undefined) pricing.cacheWrite = body.cache_write;
    if (body.reasoning !== undefined) pricing.reasoning = body.reasoning;
    if (body.image !== undefined) pricing.image = body.image;
    if (body.request !== undefined) pricing.request = body.request;
    const stored = await deps.prices.putPriceOverride({ modelId, provider: body.provider ?? null, pricing, updatedAt: now() });
    deps.onPricesChanged?.();
    return encodeOverride(stored);
  });

  app.delete('/api/admin/prices/*', async (request, reply) => {
    await deps.principals.requireAdmin(request.headers);
    const modelId = modelIdOf(request.params);
    const query = parseQuery(providerQuery, request.query);
    if (!(await deps.prices.deletePriceOverride(modelId, query.provider ?? null))) {
      const which = query.provider ? ` for provider '${query.provider}'` : '';
      throw new GatewayError('not_found', `No price override of '${modelId}'${which}.`, { param: 'model' });
    }
    deps.onPricesChanged?.();
    reply.code(204);
  });
}

function modelIdOf(params: unknown): string {
  const modelId = (params as { '*'?: string })['*'] ?? '';
  if (modelId === '' || modelId.length > 200) {
    throw new GatewayError('invalid_request', 'Name a model id in the path: /api/admin/prices/{model id}.', { param: 'model' });
  }
  return modelId;
}

/** Amounts as JSON numbers of USD, like every price on the wire; null for a kind not overridden. */
function encodeOverride(record: PriceOverrideRecord) {
  const amount = (value: string | undefined): number | null => (value === undefined ? null : Number(value));
  return {
    model: record.modelId,
    provider: record.provider,
    input: amount(record.pricing.input),
    output: amount(record.pricing.output),
    cached_input: amount(record.pricing.cachedInput),
    cache_write: amount(record.pricing.cacheWrite),
    reasoning: amount(record.pricing.reasoning),
    image: amount(record.pricing.image),
    request: amount(record.pricing.request),
    updated_at: new Date(record.updatedAt).toISOString(),
  };
}

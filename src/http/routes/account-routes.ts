import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GenerationRecord } from '../../store/store.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';

/** The account side of contract §5 that an API key can reach: its key, its usage, one record. */
export function registerAccountRoutes(app: FastifyInstance, services: GatewayServices): void {

  app.get('/api/key', async (request) => {
    const key = (await services.authenticator.authenticate(apiKeyFromHeaders(request.headers))).key;
    // Not the hot path: read the account afresh so the balance includes every top-up.
    const account = await services.store.findAccountById(key.accountId);
    const balance = (account?.balance ?? 0n) - services.settlements.pendingCharges(key.accountId);
    return {
      name: key.name,
      prefix: key.prefix,
      models: key.models,
      budget: key.budget === null ? null : unitsToUsdNumber(key.budget),
      spent: unitsToUsdNumber(key.spent),
      rpm: key.rpm,
      tpm: key.tpm,
      expires_at: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
      balance: unitsToUsdNumber(balance),
    };
  });

  app.get('/api/usage', async (request) => {
    const { account } = await services.principals.resolve(request.headers);
    const limit = parseLimit((request.query as Record<string, unknown>).limit);
    await services.settlements.flush();
    const records = await services.store.listGenerations(account.id, limit);
    return { data: records.map(encodeGeneration) };
  });

  app.get('/api/generations/:id', async (request) => {
    const { account } = await services.principals.resolve(request.headers);
    const { id } = request.params as { id: string };
    let record = await services.store.findGeneration(id);
    if (!record) {
      await services.settlements.flush();
      record = await services.store.findGeneration(id);
    }
    // Another account's record is answered as missing, so ids reveal nothing.
    if (!record || record.accountId !== account.id) {
      throw new GatewayError('not_found', `No generation with id '${id}'.`, { param: 'id' });
    }
    return encodeGeneration(record);
  });
}

function parseLimit(value: unknown): number {
  if (value === undefined) return 50;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new GatewayError('invalid_request', 'limit must be an integer from 1 to 1000.', { param: 'limit' });
  }
  return limit;
}

export function encodeGeneration(record: GenerationRecord) {
  return {
    id: record.id,
    created_at: new Date(record.createdAt).toISOString(),
    model: record.model,
    provider: record.provider,
    channel: record.channel,
    endpoint: record.endpoint,
    status: record.status,
    http_status: record.httpStatus,
    error_code: record.errorCode,
    stream: record.stream,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cached_tokens: record.cachedTokens,
    cache_write_tokens: record.cacheWriteTokens,
    reasoning_tokens: record.reasoningTokens,
    cost: unitsToUsdNumber(record.cost),
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
    attempts: record.attempts,
    usage_estimated: record.usageEstimated,
  };
}

import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { encodeGeneration } from './encode-generation-record.js';

export { encodeGeneration } from './encode-generation-record.js';

/** The account side of contract §5 that an API key can reach: its key and one record (usage: `usage-routes.ts`). */
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
      ip_allowlist: key.ipAllowlist ?? [],
      budget_period: key.budgetPeriod ?? 'total',
    };
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

/**
 * `/api/admin/accounts/{id}/low-balance`: an account's own low-balance threshold (USD), below
 * which `LowBalanceNotifier` posts a webhook event; null falls back to the default. Administrators only.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { LowBalanceStore } from '../../store/low-balance-store.js';
import type { Store } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { notFound, parseBody, usdAmountSchema } from './parse-request-input.js';

export interface LowBalanceRoutesDependencies {
  principals: Pick<PrincipalResolver, 'requireAdmin'>;
  lowBalance: Pick<LowBalanceStore, 'getLowBalanceThreshold' | 'setLowBalanceThreshold'>;
  accounts: Pick<Store, 'findAccountById'>;
  /** The notifier's default threshold (units), shown beside the account's own. */
  defaultThreshold: bigint | null;
  /** After a change: re-check the account (`LowBalanceNotifier.check([id])`). */
  onThresholdChanged?: (accountId: string) => void;
}

const putBody = z.strictObject({
  threshold: usdAmountSchema.refine((units) => units >= 0n, 'must not be negative').nullable(),
});

export function registerLowBalanceRoutes(app: FastifyInstance, deps: LowBalanceRoutesDependencies): void {
  const encode = (accountId: string, threshold: bigint | null) => ({
    account_id: accountId,
    threshold: threshold === null ? null : unitsToUsdNumber(threshold),
    default_threshold: deps.defaultThreshold === null ? null : unitsToUsdNumber(deps.defaultThreshold),
  });

  app.get('/api/admin/accounts/:id/low-balance', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    if (!(await deps.accounts.findAccountById(id))) throw notFound('account', id);
    return encode(id, await deps.lowBalance.getLowBalanceThreshold(id));
  });

  app.put('/api/admin/accounts/:id/low-balance', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const body = parseBody(putBody, request.body);
    if (!(await deps.accounts.findAccountById(id))) throw notFound('account', id);
    await deps.lowBalance.setLowBalanceThreshold(id, body.threshold);
    deps.onThresholdChanged?.(id);
    return encode(id, body.threshold);
  });
}

/**
 * Credit by hand and the ledger: an admin grants credit or corrects a balance (with a note), and
 * reads any account's ledger; every caller reads their own account's ledger.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { creditAccount, type CreditDependencies } from '../../accounts/credit-account.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { LedgerHistoryStore } from '../../store/ledger-history-store.js';
import type { Store } from '../../store/store.js';
import type { PrincipalResolver } from '../principal.js';
import { encodeLedgerEntry } from './encode-ledger-entry.js';
import { notFound, pagingQuery, parseBody, parseQuery, usdAmountSchema } from './parse-request-input.js';

export interface CreditRoutesDependencies {
  principals: Pick<PrincipalResolver, 'resolve' | 'requireAdmin'>;
  store: Pick<Store, 'appendLedgerEntry' | 'findAccountById'>;
  ledgerHistory: LedgerHistoryStore;
  /** Charges recorded but not stored yet (`SettlementSink.pendingCharges`), so shown balances include them. */
  pendingCharges?: (accountId: string) => bigint;
  /** After credit was added: drop the account from caches (`ApiKeyAuthenticator.invalidateAccount`), re-check alerts. */
  onCredited?: (accountId: string) => void;
  now?: () => number;
}

const creditBody = z.strictObject({
  amount: usdAmountSchema,
  note: z.string().max(500).nullish(),
  idempotency_key: z.string().min(1).max(150).nullish(),
});

const ledgerQuery = z.object(pagingQuery);

export function registerCreditRoutes(app: FastifyInstance, deps: CreditRoutesDependencies): void {
  const creditDependencies: CreditDependencies = {
    store: deps.store,
    history: deps.ledgerHistory,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.onCredited ? { onCredited: deps.onCredited } : {}),
  };
  const shownBalance = (accountId: string, stored: bigint): number =>
    unitsToUsdNumber(stored - (deps.pendingCharges?.(accountId) ?? 0n));

  app.post('/api/admin/accounts/:id/credit', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const body = parseBody(creditBody, request.body);
    const result = await creditAccount(creditDependencies, {
      accountId: id,
      amount: body.amount,
      kind: body.amount < 0n ? 'correction' : 'top_up',
      // Namespaced so an admin's key can never collide with a payment provider's ids.
      idempotencyKey: `admin:${body.idempotency_key ?? randomUUID()}`,
      note: body.note ?? null,
    });
    return {
      credited: result.credited,
      entry: encodeLedgerEntry(result.entry, true),
      balance: shownBalance(id, result.balance),
    };
  });

  app.get('/api/admin/accounts/:id/ledger', async (request) => {
    await deps.principals.requireAdmin(request.headers);
    const { id } = request.params as { id: string };
    const query = parseQuery(ledgerQuery, request.query);
    const account = await deps.store.findAccountById(id);
    if (!account) throw notFound('account', id);
    const page = await deps.ledgerHistory.listLedgerPage(id, query.limit, query.offset);
    return {
      data: page.entries.map((entry) => encodeLedgerEntry(entry, true)),
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      balance: shownBalance(id, account.balance),
    };
  });

  app.get('/api/ledger', async (request) => {
    const { account } = await deps.principals.resolve(request.headers);
    const query = parseQuery(ledgerQuery, request.query);
    const page = await deps.ledgerHistory.listLedgerPage(account.id, query.limit, query.offset);
    // The principal's account may be a cached copy; the balance shown next to the ledger is read afresh.
    const fresh = await deps.store.findAccountById(account.id);
    return {
      data: page.entries.map((entry) => encodeLedgerEntry(entry, false)),
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      balance: shownBalance(account.id, fresh?.balance ?? account.balance),
    };
  });
}

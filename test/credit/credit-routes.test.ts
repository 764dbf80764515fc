import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerCreditRoutes } from '../../src/http/routes/credit-routes.js';
import { KyselyLedgerHistoryStore } from '../../src/store/kysely-ledger-history-store.js';
import { createCaller, principalsFor, routeApp, type ErrorBody, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

describe.each(engines)('credit routes on $name', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let admin: TestCaller;
  let user: TestCaller;
  let credited: string[];

  beforeEach(async () => {
    database = await engine.open();
    admin = await createCaller(database.store, 'admin');
    user = await createCaller(database.store);
    credited = [];
    const { principals } = principalsFor(database.store);
    app = await routeApp((instance) =>
      registerCreditRoutes(instance, {
        principals,
        store: database.store,
        ledgerHistory: new KyselyLedgerHistoryStore(database.db),
        pendingCharges: (accountId) => (accountId === user.accountId ? 250_000_000_000n : 0n),
        onCredited: (accountId) => credited.push(accountId),
      }),
    );
  });

  afterEach(async () => {
    await app.close();
    await database.dispose();
  });

  const credit = (body: unknown, caller: TestCaller = admin) =>
    app.inject({ method: 'POST', url: `/api/admin/accounts/${user.accountId}/credit`, headers: caller.headers, payload: body as object });

  it('grants credit and answers the new balance, less charges not yet stored', async () => {
    const response = await credit({ amount: '12.5', note: 'welcome' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    // 12.5 granted, 0.25 recorded but not yet stored.
    expect(body.balance).toBe(12.25);
    expect(body.credited).toBe(true);
    expect(body.entry).toMatchObject({ kind: 'top_up', amount: 12.5, note: 'welcome', account_id: user.accountId });
    expect(credited).toEqual([user.accountId]);
  });

  it('takes an idempotency key so a retried grant is applied once', async () => {
    const first = await credit({ amount: 3, idempotency_key: 'grant-42' });
    const second = await credit({ amount: 3, idempotency_key: 'grant-42' });
    expect(first.json().credited).toBe(true);
    expect(second.json()).toMatchObject({ credited: false, balance: 2.75 });
    expect((await database.store.findAccountById(user.accountId))!.balance).toBe(3_000_000_000_000n);
  });

  it('treats a negative amount as a correction, which needs a note', async () => {
    await credit({ amount: 10 });
    const refused = await credit({ amount: -4 });
    expect(refused.statusCode).toBe(400);
    expect((refused.json() as ErrorBody).error).toMatchObject({ code: 'invalid_request', param: 'note' });

    const corrected = await credit({ amount: '-4', note: 'refund of a duplicate grant' });
    expect(corrected.statusCode).toBe(200);
    expect(corrected.json().entry).toMatchObject({ kind: 'correction', amount: -4, note: 'refund of a duplicate grant' });
    expect((await database.store.findAccountById(user.accountId))!.balance).toBe(6_000_000_000_000n);
    expect(await database.store.verifyLedger()).toEqual([]);
  });

  it('names the bad field and refuses non-admins and unknown accounts', async () => {
    const badAmount = await credit({ amount: 'ten' });
    expect(badAmount.statusCode).toBe(400);
    expect((badAmount.json() as ErrorBody).error.param).toBe('amount');

    const notAdmin = await credit({ amount: 1 }, user);
    expect(notAdmin.statusCode).toBe(403);

    const missing = await app.inject({ method: 'POST', url: '/api/admin/accounts/acct_nobody/credit', headers: admin.headers, payload: { amount: 1 } });
    expect(missing.statusCode).toBe(404);
    expect(credited).toEqual([]);
  });

  it('pages an account ledger for admins and the own ledger for its user', async () => {
    for (const amount of [1, 2, 3]) await credit({ amount, idempotency_key: `k${amount}` });

    const page = await app.inject({ method: 'GET', url: `/api/admin/accounts/${user.accountId}/ledger?limit=2&offset=1`, headers: admin.headers });
    expect(page.statusCode).toBe(200);
    const adminBody = page.json();
    expect(adminBody.total).toBe(3);
    expect(adminBody.data).toHaveLength(2);
    expect(adminBody.data[0].idempotency_key).toMatch(/^top_up:admin:k/);

    const own = await app.inject({ method: 'GET', url: '/api/ledger?limit=10', headers: user.headers });
    const ownBody = own.json();
    expect(ownBody.total).toBe(3);
    expect(ownBody.balance).toBe(5.75);
    expect(ownBody.data.map((entry: { amount: number }) => entry.amount).sort()).toEqual([1, 2, 3]);
    expect(ownBody.data[0]).not.toHaveProperty('idempotency_key');

    const badLimit = await app.inject({ method: 'GET', url: '/api/ledger?limit=0', headers: user.headers });
    expect((badLimit.json() as ErrorBody).error.param).toBe('limit');
  });
});

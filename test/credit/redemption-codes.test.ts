import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateRedemptionCode, hashRedemptionCode, normalizeRedemptionCode } from '../../src/accounts/redemption-code-format.js';
import { registerRedemptionCodeRoutes } from '../../src/http/routes/redemption-code-routes.js';
import { KyselyRedemptionCodeStore } from '../../src/store/kysely-redemption-code-store.js';
import { BASE_TIME, createCaller, principalsFor, routeApp, type ErrorBody, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();
const HOUR = 3_600_000;

describe('redemption code format', () => {
  it('makes distinct codes whose hash ignores case, dashes and look-alike letters', () => {
    const first = generateRedemptionCode();
    const second = generateRedemptionCode();
    expect(first.code).toMatch(/^SY(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    expect(first.code).not.toBe(second.code);
    expect(first.prefix).toBe(first.code.slice(0, 7));
    expect(hashRedemptionCode(first.code.toLowerCase().replaceAll('-', ' '))).toBe(first.hash);
    expect(normalizeRedemptionCode('sy-o1il-')).toBe('SY0111');
  });
});

describe.each(engines)('redemption codes on $name', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let admin: TestCaller;
  let user: TestCaller;
  let clock: number;
  let credited: string[];

  beforeEach(async () => {
    database = await engine.open();
    admin = await createCaller(database.store, 'admin');
    user = await createCaller(database.store);
    clock = BASE_TIME;
    credited = [];
    const { principals } = principalsFor(database.store);
    app = await routeApp((instance) =>
      registerRedemptionCodeRoutes(instance, {
        principals,
        codes: new KyselyRedemptionCodeStore(database.db),
        now: () => clock,
        onCredited: (accountId) => credited.push(accountId),
      }),
    );
  });

  afterEach(async () => {
    await app.close();
    await database.dispose();
  });

  async function createCodes(body: object): Promise<{ batch_id: string; codes: Array<{ id: string; code: string; prefix: string }> }> {
    const response = await app.inject({ method: 'POST', url: '/api/admin/codes', headers: admin.headers, payload: body });
    expect(response.statusCode).toBe(201);
    return response.json();
  }

  const redeem = (code: string, caller: TestCaller = user) =>
    app.inject({ method: 'POST', url: '/api/redeem', headers: caller.headers, payload: { code } });

  it('creates a batch shown once and stores only hashes and prefixes', async () => {
    const batch = await createCodes({ count: 3, amount: '5', note: 'conference' });
    expect(batch.codes).toHaveLength(3);
    const rows = await database.db.selectFrom('redemption_codes').selectAll().execute();
    const stored = JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
    for (const code of batch.codes) {
      expect(stored).not.toContain(code.code);
      expect(stored).toContain(code.prefix);
    }

    const list = await app.inject({ method: 'GET', url: `/api/admin/codes?batch_id=${batch.batch_id}`, headers: admin.headers });
    const listed = list.json();
    expect(listed.total).toBe(3);
    expect(listed.data[0]).toMatchObject({ amount: 5, note: 'conference', status: 'available', redeemed_by: null });
    expect(listed.data[0]).not.toHaveProperty('code');
  });

  it('redeems a code once, credits the ledger and answers the same for used and unknown codes', async () => {
    const [code] = (await createCodes({ count: 1, amount: '2.5' })).codes;
    const first = await redeem(code!.code.toLowerCase());
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ added: 2.5, balance: 2.5 });
    expect(credited).toEqual([user.accountId]);

    const again = await redeem(code!.code);
    const unknown = await redeem(generateRedemptionCode().code);
    expect(again.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect((again.json() as ErrorBody).error).toMatchObject({ code: 'invalid_request', param: 'code' });
    expect((again.json() as ErrorBody).error.message).toBe((unknown.json() as ErrorBody).error.message);

    const entries = await database.store.listLedgerEntries(user.accountId, 10);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'redemption', amount: 2_500_000_000_000n, idempotencyKey: `redemption:${code!.id}` });
    expect(await database.store.verifyLedger()).toEqual([]);

    const list = await app.inject({ method: 'GET', url: '/api/admin/codes', headers: admin.headers });
    expect(list.json().data[0]).toMatchObject({ status: 'redeemed', redeemed_by: user.accountId });
  });

  it('lets exactly one of many simultaneous redemptions of one code succeed', async () => {
    const [code] = (await createCodes({ count: 1, amount: 7 })).codes;
    const callers = [user, ...(await Promise.all(Array.from({ length: 7 }, () => createCaller(database.store))))];
    const answers = await Promise.all(callers.map((caller) => redeem(code!.code, caller)));

    expect(answers.filter((answer) => answer.statusCode === 200)).toHaveLength(1);
    expect(answers.filter((answer) => answer.statusCode === 400)).toHaveLength(7);
    const balances = await Promise.all(callers.map(async (caller) => (await database.store.findAccountById(caller.accountId))!.balance));
    expect(balances.reduce((sum, balance) => sum + balance, 0n)).toBe(7_000_000_000_000n);
    expect(await database.store.verifyLedger()).toEqual([]);
  });

  it('lets exactly one of two concurrent store redemptions of one code succeed', async () => {
    const codes = new KyselyRedemptionCodeStore(database.db);
    const material = generateRedemptionCode();
    await codes.createRedemptionCodes([
      { id: 'code_race', prefix: material.prefix, hash: material.hash, amount: 1_000n, note: null, batchId: 'b', expiresAt: null, createdAt: clock },
    ]);
    const other = await createCaller(database.store);
    const outcomes = await Promise.all([
      codes.redeemRedemptionCode(material.hash, user.accountId, clock, 'entry-1'),
      codes.redeemRedemptionCode(material.hash, other.accountId, clock, 'entry-2'),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['redeemed', 'unavailable']);
  });

  it('honours expiry and disabling', async () => {
    const expiring = (await createCodes({ count: 2, amount: 1, expires_at: new Date(clock + HOUR).toISOString() })).codes;
    clock += HOUR - 1;
    expect((await redeem(expiring[0]!.code)).statusCode).toBe(200);
    clock += 1;
    const expired = await redeem(expiring[1]!.code);
    expect(expired.statusCode).toBe(400);
    expect((expired.json() as ErrorBody).error.message).toBe('This code has expired.');

    const [toDisable] = (await createCodes({ count: 1, amount: 1 })).codes;
    const disabled = await app.inject({ method: 'POST', url: `/api/admin/codes/${toDisable!.id}/disable`, headers: admin.headers });
    expect(disabled.json()).toMatchObject({ status: 'disabled' });
    const refused = await redeem(toDisable!.code);
    expect((refused.json() as ErrorBody).error.message).toBe('This code is not valid or has already been used.');
    expect((await database.store.findAccountById(user.accountId))!.balance).toBe(1_000_000_000_000n);
  });

  it('validates batches and keeps codes to admins', async () => {
    const tooMany = await app.inject({ method: 'POST', url: '/api/admin/codes', headers: admin.headers, payload: { count: 1001, amount: 1 } });
    expect((tooMany.json() as ErrorBody).error.param).toBe('count');
    const free = await app.inject({ method: 'POST', url: '/api/admin/codes', headers: admin.headers, payload: { count: 1, amount: 0 } });
    expect((free.json() as ErrorBody).error.param).toBe('amount');
    const past = await app.inject({
      method: 'POST',
      url: '/api/admin/codes',
      headers: admin.headers,
      payload: { count: 1, amount: 1, expires_at: new Date(clock - 1).toISOString() },
    });
    expect((past.json() as ErrorBody).error.param).toBe('expires_at');
    const byUser = await app.inject({ method: 'POST', url: '/api/admin/codes', headers: user.headers, payload: { count: 1, amount: 1 } });
    expect(byUser.statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'POST', url: '/api/redeem', payload: { code: 'SY-0000' } });
    expect(anonymous.statusCode).toBe(401);
  });
});

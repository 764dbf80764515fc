import type { LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE_NAME } from '../../src/accounts/session-cookie.js';
import { usdToUnits } from '../../src/metering/money.js';
import { type AccountTestServer, sessionCookieHeader, setCookies, startAccountTestServer } from './account-test-server.js';
import { postgresStores, sqliteStores, type TestStoreFactory } from './account-test-stores.js';

const sqlite = sqliteStores();
const postgres = await postgresStores();
afterAll(async () => {
  await sqlite.cleanUp();
  await postgres?.cleanUp();
});

interface Call {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** A request; every answer is also checked never to carry a password hash. */
async function call(server: AccountTestServer, request: Call): Promise<LightMyRequestResponse> {
  const response = await server.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
    ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
  });
  const everything = `${response.body} ${JSON.stringify(response.headers)}`;
  expect(everything).not.toContain('scrypt$');
  expect(everything.toLowerCase()).not.toMatch(/password_?hash/);
  return response;
}

function errorOf(response: LightMyRequestResponse): { code: string; message: string; param: string | null } {
  return (response.json() as { error: { code: string; message: string; param: string | null } }).error;
}

function runAuthRoutes(stores: TestStoreFactory): void {
  describe(`auth routes on ${stores.name}`, () => {
    let server: AccountTestServer;
    let pending = 0n;

    beforeEach(async () => {
      pending = 0n;
      server = await startAccountTestServer(await stores.open(), { pendingCharges: () => pending });
    });
    afterEach(async () => {
      await server.close();
    });

    const signup = (email: string, password = 'correct horse', headers: Record<string, string> = {}) =>
      call(server, { method: 'POST', url: '/api/auth/signup', body: { email, password }, headers });
    const login = (email: string, password: string, remoteAddress?: string) =>
      call(server, { method: 'POST', url: '/api/auth/login', body: { email, password }, ...(remoteAddress ? { remoteAddress } : {}) });
    const me = (headers: Record<string, string>) => call(server, { method: 'GET', url: '/api/auth/me', headers });

    it('signs up, sets the session cookie and answers /me with it', async () => {
      const response = await signup('  New.Person@Example.TEST ');
      expect(response.statusCode).toBe(201);
      const account = response.json() as Record<string, unknown>;
      expect(Object.keys(account).sort()).toEqual(['balance', 'created_at', 'email', 'id', 'role']);
      expect(account).toMatchObject({ email: 'new.person@example.test', role: 'user', balance: 0 });
      expect(account.id).toMatch(/^acct_/);
      expect(new Date(account.created_at as string).toISOString()).toBe(account.created_at);

      const cookie = sessionCookieHeader(response);
      const answer = await me({ cookie });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toEqual(account);
      expect((await server.store.findAccountByEmail('new.person@example.test'))?.passwordHash).toMatch(/^scrypt\$/);
    });

    it('sets an HttpOnly, SameSite=Lax, site-wide cookie living 30 days, Secure only over https', async () => {
      const plain = setCookies(await signup('plain@example.test'));
      expect(plain).toHaveLength(1);
      const attributes = plain[0]!.split('; ');
      expect(attributes[0]).toMatch(new RegExp(`^${SESSION_COOKIE_NAME}=[A-Za-z0-9_-]{43}$`));
      expect(attributes.slice(1)).toEqual(['Path=/', 'Max-Age=2592000', 'HttpOnly', 'SameSite=Lax']);

      const proxied = setCookies(await signup('proxied@example.test', 'correct horse', { 'x-forwarded-proto': 'https' }));
      expect(proxied[0]!.split('; ')).toContain('Secure');
      const loggedIn = await call(server, {
        method: 'POST',
        url: '/api/auth/login',
        body: { email: 'proxied@example.test', password: 'correct horse' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(setCookies(loggedIn)[0]!.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Secure']));
    });

    it('refuses a taken email in any case with 409 and nothing more', async () => {
      expect((await signup('taken@example.test')).statusCode).toBe(201);
      const again = await signup('TAKEN@example.test', 'another password');
      expect(again.statusCode).toBe(409);
      expect(errorOf(again)).toMatchObject({ code: 'conflict', message: 'An account with this email already exists.' });
      expect(setCookies(again)).toEqual([]);
    });

    it('checks the email and the password rules, naming the field', async () => {
      const short = await signup('short@example.test', 'seven77');
      expect(short.statusCode).toBe(400);
      expect(errorOf(short)).toMatchObject({ code: 'invalid_request', param: 'password' });
      expect(errorOf(short).message).toContain('at least 8');
      const notEmail = await signup('not-an-email', 'long enough');
      expect(errorOf(notEmail)).toMatchObject({ code: 'invalid_request', param: 'email' });
      const noBody = await call(server, { method: 'POST', url: '/api/auth/signup' });
      expect(noBody.statusCode).toBe(400);
      expect(errorOf(noBody).code).toBe('invalid_request');
      expect(await server.store.countAccounts()).toBe(0);
    });

    it('refuses sign-up with 403 while it is closed', async () => {
      server.signup.open = false;
      const refused = await signup('closed@example.test');
      expect(refused.statusCode).toBe(403);
      expect(errorOf(refused).code).toBe('permission_denied');
      expect(errorOf(refused).message).toMatch(/sign-up is closed/i);
      expect(await server.store.countAccounts()).toBe(0);
      server.signup.open = true;
      expect((await signup('closed@example.test')).statusCode).toBe(201);
    });

    it('logs in with the right password, in any case of the email', async () => {
      const id = await server.createAccount({ email: 'user@example.test', password: 'right password' });
      await server.store.appendLedgerEntry({
        id: randomUUID(),
        accountId: id,
        kind: 'top_up',
        amount: usdToUnits('5'),
        idempotencyKey: `test:${randomUUID()}`,
        generationId: null,
        note: null,
        createdAt: Date.now(),
      });
      pending = usdToUnits('1.25');
      const response = await login('User@Example.test', 'right password');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id, email: 'user@example.test', role: 'user', balance: 3.75 });
      expect((await me({ cookie: sessionCookieHeader(response) })).json()).toMatchObject({ id, balance: 3.75 });
    });

    it('answers a wrong password and an unknown email alike', async () => {
      await server.createAccount({ email: 'user@example.test', password: 'right password' });
      const passwordless = await server.store.createAccount({
        id: randomUUID(),
        email: 'keys-only@example.test',
        passwordHash: null,
        role: 'user',
        createdAt: Date.now(),
      });
      const answers = [
        await login('user@example.test', 'wrong password'),
        await login('nobody@example.test', 'wrong password'),
        await login(passwordless.email, 'anything at all'),
      ];
      for (const answer of answers) {
        expect(answer.statusCode).toBe(401);
        expect(answer.json()).toEqual(answers[0]!.json());
        expect(errorOf(answer)).toMatchObject({ code: 'invalid_api_key', message: 'Wrong email or password.' });
        expect(setCookies(answer)).toEqual([]);
      }
    });

    it('refuses to log a disabled account in', async () => {
      const id = await server.createAccount({ email: 'off@example.test', password: 'right password' });
      await server.store.database.updateTable('accounts').set({ disabled: 1 }).where('id', '=', id).execute();
      const refused = await login('off@example.test', 'right password');
      expect(refused.statusCode).toBe(401);
      expect(errorOf(refused).message).toMatch(/disabled/);
      expect(setCookies(refused)).toEqual([]);
      expect(await server.sessions.endAllOf(id)).toBe(0);
    });

    it('throttles after 10 failures per email and address, even for the right password', async () => {
      await server.createAccount({ email: 'target@example.test', password: 'right password' });
      for (let attempt = 0; attempt < 10; attempt += 1) {
        expect((await login('target@example.test', `guess ${attempt}`, '10.0.0.1')).statusCode).toBe(401);
      }
      const throttled = await login('target@example.test', 'right password', '10.0.0.1');
      expect(throttled.statusCode).toBe(429);
      expect(errorOf(throttled).code).toBe('rate_limit_exceeded');
      const retryAfter = Number(throttled.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(800);
      expect(retryAfter).toBeLessThanOrEqual(900);
      // Another address, or another email from the same address, is not held back.
      expect((await login('target@example.test', 'right password', '10.0.0.2')).statusCode).toBe(200);
      expect((await login('other@example.test', 'wrong password', '10.0.0.1')).statusCode).toBe(401);
    });

    it('logs out: 204, the cookie cleared and the session gone', async () => {
      const cookie = sessionCookieHeader(await signup('leaving@example.test'));
      expect((await me({ cookie })).statusCode).toBe(200);
      const out = await call(server, { method: 'POST', url: '/api/auth/logout', headers: { cookie } });
      expect(out.statusCode).toBe(204);
      expect(out.body).toBe('');
      expect(setCookies(out)[0]!.split('; ')).toEqual([`${SESSION_COOKIE_NAME}=`, 'Path=/', 'Max-Age=0', 'HttpOnly', 'SameSite=Lax']);
      const after = await me({ cookie });
      expect(after.statusCode).toBe(401);
      expect(errorOf(after).code).toBe('invalid_api_key');
      const account = await server.store.findAccountByEmail('leaving@example.test');
      expect(await server.store.database.selectFrom('sessions').select('id').where('account_id', '=', account!.id).execute()).toEqual([]);
      // Logging out without a session is harmless.
      expect((await call(server, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    });

    it('answers /me for an API key too, and 401 without any credential', async () => {
      const id = await server.createAccount({ email: 'keyed@example.test', password: 'right password' });
      const key = await server.createKey(id);
      const answer = await me({ authorization: `Bearer ${key}` });
      expect(answer.statusCode).toBe(200);
      expect(answer.json()).toMatchObject({ id, email: 'keyed@example.test' });
      expect((await me({})).statusCode).toBe(401);
      expect((await me({ cookie: `${SESSION_COOKIE_NAME}=${'A'.repeat(43)}` })).statusCode).toBe(401);
    });

    it('changes the password and ends every other session of the account', async () => {
      const current = sessionCookieHeader(await signup('changer@example.test', 'first password'));
      const other = sessionCookieHeader(await login('changer@example.test', 'first password'));
      const bystander = sessionCookieHeader(await signup('bystander@example.test'));
      const changed = await call(server, {
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie: current },
        body: { current_password: 'first password', new_password: 'second password' },
      });
      expect(changed.statusCode).toBe(204);
      expect((await me({ cookie: current })).statusCode).toBe(200);
      expect((await me({ cookie: other })).statusCode).toBe(401);
      expect((await me({ cookie: bystander })).statusCode).toBe(200);
      expect((await login('changer@example.test', 'first password')).statusCode).toBe(401);
      expect((await login('changer@example.test', 'second password')).statusCode).toBe(200);
    });

    it('refuses a password change with a wrong current password or a weak new one', async () => {
      const cookie = sessionCookieHeader(await signup('careful@example.test', 'first password'));
      const change = (body: unknown) => call(server, { method: 'POST', url: '/api/auth/password', headers: { cookie }, body });
      const wrong = await change({ current_password: 'not it at all', new_password: 'second password' });
      expect(wrong.statusCode).toBe(400);
      expect(errorOf(wrong)).toMatchObject({ code: 'invalid_request', param: 'current_password' });
      const weak = await change({ current_password: 'first password', new_password: 'short' });
      expect(errorOf(weak)).toMatchObject({ code: 'invalid_request', param: 'new_password' });
      expect((await login('careful@example.test', 'first password')).statusCode).toBe(200);
      const anonymous = await call(server, {
        method: 'POST',
        url: '/api/auth/password',
        body: { current_password: 'first password', new_password: 'second password' },
      });
      expect(anonymous.statusCode).toBe(401);
    });
  });
}

runAuthRoutes(sqlite);
describe.skipIf(postgres === null)('PostgreSQL', () => {
  runAuthRoutes(postgres!);
});

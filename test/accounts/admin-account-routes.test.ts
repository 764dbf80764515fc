import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AccountTestServer, sessionCookieHeader, startAccountTestServer } from './account-test-server.js';
import { postgresStores, sqliteStores, type TestStoreFactory } from './account-test-stores.js';

const sqlite = sqliteStores();
const postgres = await postgresStores();
afterAll(async () => {
  await sqlite.cleanUp();
  await postgres?.cleanUp();
});

interface AdminAccount {
  id: string;
  email: string;
  role: string;
  disabled: boolean;
  balance: number;
  created_at: string;
  can_log_in: boolean;
}

function runAdminAccountRoutes(stores: TestStoreFactory): void {
  describe(`admin account routes on ${stores.name}`, () => {
    let server: AccountTestServer;
    let adminId: string;
    let adminCookie: string;
    let adminKey: string;
    let userId: string;
    let userCookie: string;
    let userKey: string;

    async function call(
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      headers: Record<string, string>,
      body?: unknown,
    ): Promise<LightMyRequestResponse> {
      const response = await server.app.inject({
        method,
        url,
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      expect(response.body).not.toContain('scrypt$');
      expect(response.body.toLowerCase()).not.toMatch(/password_?hash/);
      return response;
    }

    async function loginCookie(email: string, password: string): Promise<string> {
      const response = await call('POST', '/api/auth/login', {}, { email, password });
      expect(response.statusCode).toBe(200);
      return sessionCookieHeader(response);
    }

    const asAdmin = {
      session: (): Record<string, string> => ({ cookie: adminCookie }),
      key: (): Record<string, string> => ({ authorization: `Bearer ${adminKey}` }),
    };
    const me = (headers: Record<string, string>) => call('GET', '/api/auth/me', headers);

    beforeEach(async () => {
      server = await startAccountTestServer(await stores.open());
      adminId = await server.createAccount({ email: 'admin@example.test', password: 'admin password', role: 'admin' });
      userId = await server.createAccount({ email: 'user@example.test', password: 'user password' });
      adminCookie = await loginCookie('admin@example.test', 'admin password');
      userCookie = await loginCookie('user@example.test', 'user password');
      adminKey = await server.createKey(adminId);
      userKey = await server.createKey(userId);
    });
    afterEach(async () => {
      await server.close();
    });

    it('refuses callers who are not administrators', async () => {
      const requests: Array<[method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown]> = [
        ['GET', '/api/admin/accounts'],
        ['GET', `/api/admin/accounts/${adminId}`],
        ['POST', '/api/admin/accounts', { email: 'sneaky@example.test', password: 'long enough' }],
        ['PATCH', `/api/admin/accounts/${userId}`, { role: 'admin' }],
        ['PATCH', `/api/admin/accounts/${adminId}`, { disabled: true }],
      ];
      for (const [method, url, body] of requests) {
        for (const headers of [{ cookie: userCookie }, { authorization: `Bearer ${userKey}` }] as Array<Record<string, string>>) {
          const refused = await call(method, url, headers, body);
          expect(refused.statusCode).toBe(403);
          expect((refused.json() as { error: { code: string } }).error.code).toBe('permission_denied');
        }
        expect((await call(method, url, {}, body)).statusCode).toBe(401);
      }
      expect((await server.store.findAccountById(userId))?.role).toBe('user');
      expect((await server.store.findAccountById(adminId))?.disabled).toBe(false);
      expect(await server.store.findAccountByEmail('sneaky@example.test')).toBeNull();
    });

    it('lists accounts, newest first, with paging and search, by session or admin key', async () => {
      for (const headers of [asAdmin.session(), asAdmin.key()]) {
        const listed = await call('GET', '/api/admin/accounts', headers);
        expect(listed.statusCode).toBe(200);
        const page = listed.json() as { data: AdminAccount[]; total: number; limit: number; offset: number };
        expect(page.total).toBe(2);
        expect(page.limit).toBe(50);
        expect(page.offset).toBe(0);
        expect(page.data.map((account) => account.email).sort()).toEqual(['admin@example.test', 'user@example.test']);
        expect(Object.keys(page.data[0]!).sort()).toEqual(['balance', 'can_log_in', 'created_at', 'disabled', 'email', 'id', 'role']);
      }
      const searched = (await call('GET', '/api/admin/accounts?q=USER@', asAdmin.session())).json() as { data: AdminAccount[]; total: number };
      expect(searched.total).toBe(1);
      expect(searched.data[0]).toMatchObject({ id: userId, email: 'user@example.test', role: 'user', disabled: false, balance: 0, can_log_in: true });
      const second = (await call('GET', '/api/admin/accounts?limit=1&offset=1', asAdmin.session())).json() as { data: AdminAccount[]; total: number };
      expect(second.data).toHaveLength(1);
      expect(second.total).toBe(2);
      const badLimit = await call('GET', '/api/admin/accounts?limit=0', asAdmin.session());
      expect(badLimit.statusCode).toBe(400);
      expect((badLimit.json() as { error: { param: string } }).error.param).toBe('limit');
    });

    it('reads one account, and answers 404 for an unknown id', async () => {
      const one = await call('GET', `/api/admin/accounts/${userId}`, asAdmin.key());
      expect(one.statusCode).toBe(200);
      expect(one.json()).toMatchObject({ id: userId, email: 'user@example.test', disabled: false });
      const missing = await call('GET', '/api/admin/accounts/acct_missing', asAdmin.key());
      expect(missing.statusCode).toBe(404);
      expect((missing.json() as { error: { code: string } }).error.code).toBe('not_found');
    });

    it('creates accounts while sign-up is closed; they can log in when given a password', async () => {
      server.signup.open = false;
      const created = await call('POST', '/api/admin/accounts', asAdmin.session(), {
        email: 'Invited@Example.test',
        password: 'invited password',
        role: 'admin',
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ email: 'invited@example.test', role: 'admin', disabled: false, balance: 0, can_log_in: true });
      const invitedCookie = await loginCookie('invited@example.test', 'invited password');
      expect((await call('GET', '/api/admin/accounts', { cookie: invitedCookie })).statusCode).toBe(200);

      const keysOnly = await call('POST', '/api/admin/accounts', asAdmin.key(), { email: 'robot@example.test' });
      expect(keysOnly.statusCode).toBe(201);
      expect(keysOnly.json()).toMatchObject({ role: 'user', can_log_in: false });
      expect((await call('POST', '/api/auth/login', {}, { email: 'robot@example.test', password: 'anything long' })).statusCode).toBe(401);

      const duplicate = await call('POST', '/api/admin/accounts', asAdmin.key(), { email: 'USER@example.test' });
      expect(duplicate.statusCode).toBe(409);
      const weak = await call('POST', '/api/admin/accounts', asAdmin.key(), { email: 'weak@example.test', password: 'short' });
      expect((weak.json() as { error: { param: string } }).error.param).toBe('password');
      const badRole = await call('POST', '/api/admin/accounts', asAdmin.key(), { email: 'odd@example.test', role: 'owner' });
      expect((badRole.json() as { error: { param: string } }).error.param).toBe('role');
    });

    it('does not let an administrator disable or demote themselves', async () => {
      for (const headers of [asAdmin.session(), asAdmin.key()]) {
        const disable = await call('PATCH', `/api/admin/accounts/${adminId}`, headers, { disabled: true });
        expect(disable.statusCode).toBe(403);
        expect((disable.json() as { error: { param: string } }).error.param).toBe('disabled');
        const demote = await call('PATCH', `/api/admin/accounts/${adminId}`, headers, { role: 'user' });
        expect(demote.statusCode).toBe(403);
        expect((demote.json() as { error: { param: string } }).error.param).toBe('role');
      }
      expect(await server.store.findAccountById(adminId)).toMatchObject({ role: 'admin', disabled: false });
      expect((await me(asAdmin.session())).statusCode).toBe(200);
    });

    it('disabling an account stops its session and its API key at once, and enabling restores the key', async () => {
      expect((await me({ cookie: userCookie })).statusCode).toBe(200);
      expect((await me({ authorization: `Bearer ${userKey}` })).statusCode).toBe(200);

      const disabled = await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.key(), { disabled: true });
      expect(disabled.statusCode).toBe(200);
      expect(disabled.json()).toMatchObject({ id: userId, disabled: true });

      const bySession = await me({ cookie: userCookie });
      expect(bySession.statusCode).toBe(401);
      const byKey = await me({ authorization: `Bearer ${userKey}` });
      expect(byKey.statusCode).toBe(401);
      expect((byKey.json() as { error: { message: string } }).error.message).toMatch(/disabled/);
      expect((await call('POST', '/api/auth/login', {}, { email: 'user@example.test', password: 'user password' })).statusCode).toBe(401);
      expect(await server.store.database.selectFrom('sessions').select('id').where('account_id', '=', userId).execute()).toEqual([]);

      const enabled = await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.session(), { disabled: false });
      expect(enabled.json()).toMatchObject({ disabled: false });
      expect((await me({ authorization: `Bearer ${userKey}` })).statusCode).toBe(200);
      // Sessions ended by the disabling stay ended.
      expect((await me({ cookie: userCookie })).statusCode).toBe(401);
    });

    it('a role change takes effect on the next request', async () => {
      expect((await call('GET', '/api/admin/accounts', { cookie: userCookie })).statusCode).toBe(403);
      const promoted = await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.session(), { role: 'admin' });
      expect(promoted.json()).toMatchObject({ role: 'admin' });
      expect((await call('GET', '/api/admin/accounts', { cookie: userCookie })).statusCode).toBe(200);
      expect((await call('GET', '/api/admin/accounts', { authorization: `Bearer ${userKey}` })).statusCode).toBe(200);
      await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.session(), { role: 'user' });
      expect((await call('GET', '/api/admin/accounts', { cookie: userCookie })).statusCode).toBe(403);
    });

    it('validates the changes and answers 404 for an unknown account', async () => {
      const unknownField = await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.session(), { disable: true });
      expect(unknownField.statusCode).toBe(400);
      expect((unknownField.json() as { error: { param: string } }).error.param).toBe('disable');
      const wrongType = await call('PATCH', `/api/admin/accounts/${userId}`, asAdmin.session(), { disabled: 'yes' });
      expect((wrongType.json() as { error: { param: string } }).error.param).toBe('disabled');
      const missing = await call('PATCH', '/api/admin/accounts/acct_missing', asAdmin.session(), { disabled: true });
      expect(missing.statusCode).toBe(404);
      expect((await server.store.findAccountById(userId))?.disabled).toBe(false);
    });
  });
}

runAdminAccountRoutes(sqlite);
describe.skipIf(postgres === null)('PostgreSQL', () => {
  runAdminAccountRoutes(postgres!);
});

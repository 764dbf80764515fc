import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../src/accounts/api-key-authenticator.js';
import { hashApiKey } from '../../src/accounts/api-key-format.js';
import { createClientAddressResolver } from '../../src/accounts/client-address.js';
import { KeyGovernance } from '../../src/accounts/key-governance.js';
import { sendError } from '../../src/http/error-reply.js';
import { PrincipalResolver, type SessionLookup } from '../../src/http/principal.js';
import { registerKeyRoutes } from '../../src/http/routes/key-routes.js';
import { apiKeyFromHeaders } from '../../src/http/api-key-from-headers.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { KyselyKeyGovernanceStore } from '../../src/store/kysely-key-governance-store.js';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import type { AccountRecord } from '../../src/store/store.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-key-routes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const silent = { error: () => undefined };

/** Sessions stand-in for these tests: the header `x-test-session` names the logged-in account. */
function headerSessions(store: KyselyStore): SessionLookup {
  return {
    async accountFromHeaders(headers) {
      const id = headers['x-test-session'];
      return typeof id === 'string' ? store.findAccountById(id) : null;
    },
  };
}

let store: KyselyStore;
let app: FastifyInstance;
let authenticator: ApiKeyAuthenticator;
let user: AccountRecord;
let other: AccountRecord;
let admin: AccountRecord;
let invalidated: string[];

beforeEach(async () => {
  store = new KyselyStore(openSqliteDatabase(path.join(scratch, randomUUID(), 'store.db')), 'sqlite');
  await store.migrate();
  const makeAccount = (role: 'user' | 'admin') =>
    store.createAccount({ id: `acct_${randomUUID()}`, email: `${randomUUID()}@example.test`, passwordHash: null, role, createdAt: Date.now() });
  [user, other, admin] = await Promise.all([makeAccount('user'), makeAccount('user'), makeAccount('admin')]);
  authenticator = new ApiKeyAuthenticator(store, { pollIntervalMs: 10_000 });
  invalidated = [];
  const governance = new KeyGovernance();
  const clientAddress = createClientAddressResolver(false);

  app = Fastify();
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, silent));
  registerKeyRoutes(app, {
    principals: new PrincipalResolver(authenticator, headerSessions(store)),
    store,
    keyGovernance: new KyselyKeyGovernanceStore(store.database),
    clientAddress,
    apiKeyCache: { invalidateAccount: (id) => void invalidated.push(id) },
  });
  // A model endpoint as the integrator will wire it: authenticate, then admit.
  app.post('/v1/probe', async (request) => {
    const caller = await authenticator.authenticate(apiKeyFromHeaders(request.headers));
    await governance.admit(caller, {
      clientAddress: () => clientAddress(request.raw.socket.remoteAddress, request.headers),
      estimatedPromptTokens: 1,
      modelName: (request.body as { model: string }).model,
    });
    return { ok: true };
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  await store.close();
});

const asUser = () => ({ 'x-test-session': user.id });
const asAdmin = () => ({ 'x-test-session': admin.id });

async function createKey(body: Record<string, unknown>, headers: Record<string, string> = asUser()) {
  const response = await app.inject({ method: 'POST', url: '/api/keys', headers, payload: body });
  expect(response.statusCode).toBe(201);
  return response.json<Record<string, unknown> & { id: string; key: string }>();
}

describe('POST /api/keys', () => {
  it('creates a key, shows it once, and stores only its hash', async () => {
    const created = await createKey({
      name: 'ci',
      models: ['gpt-4*', 'demo/echo'],
      ip_allowlist: ['10.0.0.0/8'],
      budget: '12.5',
      budget_period: 'month',
      rpm: 60,
      tpm: 100000,
      expires_at: '2030-01-01T00:00:00Z',
    });
    expect(created.key).toMatch(/^sk-sy-/);
    expect(created).toMatchObject({
      name: 'ci',
      prefix: created.key.slice(0, 12),
      models: ['gpt-4*', 'demo/echo'],
      ip_allowlist: ['10.0.0.0/8'],
      budget: 12.5,
      budget_period: 'month',
      spent: 0,
      rpm: 60,
      tpm: 100000,
      expires_at: '2030-01-01T00:00:00.000Z',
      revoked_at: null,
    });
    expect(created).not.toHaveProperty('hash');
    const stored = await store.findApiKeyByHash(hashApiKey(created.key));
    expect(stored?.id).toBe(created.id);
    expect(stored?.accountId).toBe(user.id);
    expect(Object.values(stored!)).not.toContain(created.key);

    const listed = await app.inject({ method: 'GET', url: '/api/keys', headers: asUser() });
    expect(listed.json().data).toHaveLength(1);
    expect(listed.json().data[0]).not.toHaveProperty('key');
    expect(listed.json().data[0]).not.toHaveProperty('hash');
  });

  it('defaults to every model, anywhere, no budget and the total period', async () => {
    const created = await createKey({ name: 'plain' });
    expect(created).toMatchObject({ models: [], ip_allowlist: [], budget: null, budget_period: 'total', rpm: null, tpm: null, expires_at: null });
  });

  it('lets a key create another key for its own account', async () => {
    const first = await createKey({ name: 'first' });
    const second = await createKey({ name: 'second' }, { authorization: `Bearer ${first.key}` });
    expect((await store.findApiKeyByHash(hashApiKey(second.key)))?.accountId).toBe(user.id);
  });

  it.each([
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', models: ['gpt 4'] }, 'models[0]'],
    [{ name: 'x', ip_allowlist: ['10.0.0.0/33'] }, 'ip_allowlist[0]'],
    [{ name: 'x', ip_allowlist: ['example.com'] }, 'ip_allowlist[0]'],
    [{ name: 'x', budget: '-1' }, 'budget'],
    [{ name: 'x', budget: 'lots' }, 'budget'],
    [{ name: 'x', budget_period: 'year' }, 'budget_period'],
    [{ name: 'x', rpm: 0 }, 'rpm'],
    [{ name: 'x', tpm: 1.5 }, 'tpm'],
    [{ name: 'x', expires_at: 'tomorrow' }, 'expires_at'],
    [{ name: 'x', hash: 'chosen' }, 'hash'],
  ])('refuses %j with 400 invalid_request naming %s', async (body, param) => {
    const response = await app.inject({ method: 'POST', url: '/api/keys', headers: asUser(), payload: body });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', param });
  });

  it('refuses a caller without a session or key with 401', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/keys', payload: { name: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('invalid_api_key');
  });
});

describe('PATCH and DELETE /api/keys/{id}', () => {
  it('changes the settings of an own key', async () => {
    const created = await createKey({ name: 'before', rpm: 5 });
    const response = await app.inject({
      method: 'PATCH',
      url: `/api/keys/${created.id}`,
      headers: asUser(),
      payload: { name: 'after', models: ['openai/*'], ip_allowlist: ['::1'], rpm: null, tpm: 500, expires_at: null },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'after', models: ['openai/*'], ip_allowlist: ['::1'], rpm: null, tpm: 500, expires_at: null });
    const stored = await store.findApiKeyByHash(hashApiKey(created.key));
    expect(stored).toMatchObject({ name: 'after', models: ['openai/*'], ipAllowlist: ['::1'], rpm: null, tpm: 500 });
  });

  it('does not let a user change the budget with PATCH', async () => {
    const created = await createKey({ name: 'k', budget: 1 });
    const response = await app.inject({ method: 'PATCH', url: `/api/keys/${created.id}`, headers: asUser(), payload: { budget: 1000 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.param).toBe('budget');
  });

  it("answers another account's key as missing, for PATCH and DELETE alike", async () => {
    const created = await createKey({ name: 'theirs' }, { 'x-test-session': other.id });
    const patch = await app.inject({ method: 'PATCH', url: `/api/keys/${created.id}`, headers: asUser(), payload: { name: 'mine' } });
    expect(patch.statusCode).toBe(404);
    expect(patch.json().error.code).toBe('not_found');
    const remove = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: asUser() });
    expect(remove.statusCode).toBe(404);
    expect((await store.findApiKeyByHash(hashApiKey(created.key)))?.revokedAt).toBeNull();
  });

  it('revokes a key, after which it no longer authenticates, and refuses to change it', async () => {
    const created = await createKey({ name: 'short-lived' });
    await authenticator.authenticate(created.key);
    const response = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: asUser() });
    expect(response.statusCode).toBe(200);
    expect(response.json().revoked_at).not.toBeNull();
    await authenticator.poll();
    await expect(authenticator.authenticate(created.key)).rejects.toMatchObject({ code: 'invalid_api_key' });
    const again = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: asUser() });
    expect(again.json().revoked_at).toBe(response.json().revoked_at);
    const patch = await app.inject({ method: 'PATCH', url: `/api/keys/${created.id}`, headers: asUser(), payload: { name: 'x' } });
    expect(patch.statusCode).toBe(409);
  });

  it("lets an administrator revoke any account's key", async () => {
    const created = await createKey({ name: 'theirs' });
    const response = await app.inject({ method: 'DELETE', url: `/api/keys/${created.id}`, headers: asAdmin() });
    expect(response.statusCode).toBe(200);
    expect((await store.findApiKeyByHash(hashApiKey(created.key)))?.revokedAt).not.toBeNull();
  });
});

describe('a key calling the key endpoints', () => {
  it('is held to its own IP allowlist', async () => {
    const created = await createKey({ name: 'office', ip_allowlist: ['10.0.0.0/8'] });
    const headers = { authorization: `Bearer ${created.key}` };
    const outside = await app.inject({ method: 'GET', url: '/api/keys', headers, remoteAddress: '192.0.2.7' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('ip_not_allowed');
    const inside = await app.inject({ method: 'GET', url: '/api/keys', headers, remoteAddress: '10.2.3.4' });
    expect(inside.statusCode).toBe(200);
  });
});

describe('/api/admin/accounts/{id}/keys', () => {
  it("lets an administrator list and create another account's keys", async () => {
    await createKey({ name: 'own' });
    const created = await app.inject({ method: 'POST', url: `/api/admin/accounts/${user.id}/keys`, headers: asAdmin(), payload: { name: 'issued', rpm: 10 } });
    expect(created.statusCode).toBe(201);
    expect((await store.findApiKeyByHash(hashApiKey(created.json().key)))?.accountId).toBe(user.id);
    const listed = await app.inject({ method: 'GET', url: `/api/admin/accounts/${user.id}/keys`, headers: asAdmin() });
    expect(listed.json().data.map((key: { name: string }) => key.name).sort()).toEqual(['issued', 'own']);
  });

  it('refuses a non-administrator with 403 and answers an unknown account with 404', async () => {
    const refused = await app.inject({ method: 'GET', url: `/api/admin/accounts/${other.id}/keys`, headers: asUser() });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('permission_denied');
    const missing = await app.inject({ method: 'POST', url: '/api/admin/accounts/acct_missing/keys', headers: asAdmin(), payload: { name: 'x' } });
    expect(missing.statusCode).toBe(404);
  });
});

describe('/api/admin/accounts/{id}/rate-limits', () => {
  it('sets account limits, drops the cached account, and the next admission applies them', async () => {
    const put = await app.inject({ method: 'PUT', url: `/api/admin/accounts/${user.id}/rate-limits`, headers: asAdmin(), payload: { rpm: 1, tpm: null } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ rpm: 1, tpm: null });
    expect(invalidated).toEqual([user.id]);
    const get = await app.inject({ method: 'GET', url: `/api/admin/accounts/${user.id}/rate-limits`, headers: asAdmin() });
    expect(get.json()).toEqual({ rpm: 1, tpm: null });

    const created = await createKey({ name: 'limited-by-account' });
    const headers = { authorization: `Bearer ${created.key}` };
    expect((await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' } })).statusCode).toBe(429);
  });

  it('requires both fields and an administrator', async () => {
    const partial = await app.inject({ method: 'PUT', url: `/api/admin/accounts/${user.id}/rate-limits`, headers: asAdmin(), payload: { rpm: 5 } });
    expect(partial.statusCode).toBe(400);
    expect(partial.json().error.param).toBe('tpm');
    const refused = await app.inject({ method: 'PUT', url: `/api/admin/accounts/${user.id}/rate-limits`, headers: asUser(), payload: { rpm: 5, tpm: 5 } });
    expect(refused.statusCode).toBe(403);
  });
});

describe('refusal envelopes on a model endpoint', () => {
  it('answers 403 ip_not_allowed in the OpenAI envelope', async () => {
    const created = await createKey({ name: 'office', ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    const headers = { authorization: `Bearer ${created.key}` };
    const refused = await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' }, remoteAddress: '192.0.2.7' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({
      error: { message: expect.stringContaining('192.0.2.7'), type: 'permission_error', param: null, code: 'ip_not_allowed' },
    });
    const ipv6 = await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' }, remoteAddress: '2001:db8::1' });
    expect(ipv6.statusCode).toBe(200);
  });

  it('answers 403 model_not_allowed for a model outside the patterns', async () => {
    const created = await createKey({ name: 'gpt-only', models: ['gpt-4*'] });
    const headers = { authorization: `Bearer ${created.key}` };
    const refused = await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'claude-sonnet-4-5' } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'model_not_allowed', type: 'permission_error', param: 'model' });
    expect((await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4.1' } })).statusCode).toBe(200);
  });

  it('answers 429 rate_limit_exceeded with a retry-after header in seconds', async () => {
    const created = await createKey({ name: 'slow', rpm: 2 });
    const headers = { authorization: `Bearer ${created.key}` };
    for (let index = 0; index < 2; index += 1) {
      expect((await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' } })).statusCode).toBe(200);
    }
    const refused = await app.inject({ method: 'POST', url: '/v1/probe', headers, payload: { model: 'gpt-4o' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiKeyAuthenticator } from '../../src/accounts/api-key-authenticator.js';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { ModelCatalog } from '../../src/catalog/model-catalog.js';
import { GatewayError } from '../../src/core/index.js';
import { sendError } from '../../src/http/error-reply.js';
import { PrincipalResolver } from '../../src/http/principal.js';
import { registerAdminChannelRoutes } from '../../src/http/routes/admin-channel-routes.js';
import { OpenAIAdapter } from '../../src/providers/openai/index.js';
import { ChannelHealth } from '../../src/routing/channel-health.js';
import { classifyFailure } from '../../src/routing/classify-failure.js';
import { RoutePlanner } from '../../src/routing/route-planner.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { temporaryDirectory } from '../support/temporary-directory.js';
import { manualClock, testChannel, testModel, testOffer } from './routing-fixtures.js';

const catalog = new ModelCatalog({
  providers: [],
  models: [testModel('gpt-4o-mini', 'openai', [testOffer('openai', 'gpt-4o-mini')])],
});

let store: KyselyStore;
let upstream: MockOpenAIUpstream;
let app: FastifyInstance;
let adminKey: string;
let userKey: string;
const time = manualClock(Date.UTC(2025, 0, 1));
const health = new ChannelHealth({ breaker: { failures: 2, cooldownMs: 30_000, maxCooldownMs: 60_000 }, now: time.now });
const logLines: string[] = [];

async function createKey(role: 'admin' | 'user'): Promise<string> {
  const account = await store.createAccount({ id: randomUUID(), email: `${randomUUID()}@example.test`, passwordHash: null, role, createdAt: Date.now() });
  const material = generateApiKey();
  await store.createApiKey({
    id: randomUUID(),
    accountId: account.id,
    name: 'test',
    prefix: material.prefix,
    hash: material.hash,
    models: [],
    budget: null,
    rpm: null,
    tpm: null,
    expiresAt: null,
    createdAt: Date.now(),
  });
  return material.key;
}

beforeAll(async () => {
  store = await openStore({ dataDir: path.join(temporaryDirectory('switchyard-channels-'), 'data') });
  await store.migrate();
  adminKey = await createKey('admin');
  userKey = await createKey('user');
  upstream = await startMockOpenAIUpstream();
  const channels = [
    testChannel({ name: 'main', provider: 'openai', models: ['gpt-4o-mini'], baseUrl: upstream.url, apiKey: 'sk-upstream-secret-123' }),
    testChannel({ name: 'spare', provider: 'openai', models: ['gpt-4o-mini'], baseUrl: upstream.url, priority: 1 }),
    testChannel({ name: 'off', provider: 'openai', models: ['gpt-4o-mini'], baseUrl: upstream.url, enabled: false }),
  ];
  const planner = new RoutePlanner(channels, catalog, new Set(['openai']), Math.random, () => new Date(), { health });
  const logger = { warn: (_object: object, message: string) => logLines.push(message), info: (_object: object, message: string) => logLines.push(message) };
  app = Fastify({ logger: false });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, { error: () => undefined }));
  registerAdminChannelRoutes(app, {
    principals: new PrincipalResolver(new ApiKeyAuthenticator(store), null),
    planner: () => planner,
    health,
    adapters: { adapterFor: (provider) => (provider === 'openai' ? new OpenAIAdapter() : undefined) },
    testTimeoutMs: 500,
    logger,
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await upstream?.close();
  await store?.close();
});

function call(method: 'GET' | 'POST', url: string, key: string | null = adminKey, payload?: unknown) {
  return app.inject({
    method,
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
}

describe('admin channel routes', () => {
  it('refuses callers who are not administrators', async () => {
    expect((await call('GET', '/api/admin/channels', null)).statusCode).toBe(401);
    const user = await call('GET', '/api/admin/channels', userKey);
    expect(user.statusCode).toBe(403);
    expect(user.json().error.code).toBe('permission_denied');
    expect((await call('POST', '/api/admin/channels/main/disable', userKey)).statusCode).toBe(403);
    expect(health.isRoutable('main')).toBe(true);
  });

  it("lists every channel's live state, never its credential", async () => {
    health.recordSuccess('main', 120, 'normal');
    health.recordFailure('main', classifyFailure(new GatewayError('upstream_error', 'HTTP 429', { upstreamStatus: 429, retryElsewhere: true, retryAfterSeconds: 20 }), false), 5, 'normal');
    const response = await call('GET', '/api/admin/channels');
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('sk-upstream-secret-123');
    const [main, spare, off] = response.json().data;
    expect(main).toMatchObject({
      id: 'main',
      provider: 'openai',
      enabled: true,
      state: 'cooling_down',
      cooling_down_until: new Date(time.state.now + 20_000).toISOString(),
      breaker: { state: 'closed', consecutive_failures: 1, openings: 0, open_until: null },
      requests: 2,
      failures: 1,
      error_rate: 0.5,
      disabled_reason: null,
    });
    expect(main.latency_ms.p50).toBeGreaterThan(100);
    expect(main.latency_ms.p50).toBeLessThan(140);
    expect(spare).toMatchObject({ id: 'spare', state: 'available', requests: 0, error_rate: null, latency_ms: { p50: null, p95: null, smoothed: null } });
    expect(off).toMatchObject({ id: 'off', enabled: false, configured_enabled: false, state: 'disabled', disabled_by: 'configuration' });
    health.enable('main');
  });

  it('disables and enables a channel by hand, with the reason shown', async () => {
    const disabled = await call('POST', '/api/admin/channels/spare/disable', adminKey, { reason: 'provider maintenance' });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ id: 'spare', enabled: false, state: 'disabled', disabled_reason: 'provider maintenance', disabled_by: 'operator' });
    expect(health.isRoutable('spare')).toBe(false);
    expect(logLines).toContain('channel disabled by an administrator');
    const listed = (await call('GET', '/api/admin/channels')).json().data.find((channel: { id: string }) => channel.id === 'spare');
    expect(listed.disabled_reason).toBe('provider maintenance');
    const enabled = await call('POST', '/api/admin/channels/spare/enable');
    expect(enabled.json()).toMatchObject({ enabled: true, state: 'available', disabled_reason: null });
    expect(health.isRoutable('spare')).toBe(true);
    const byDefault = await call('POST', '/api/admin/channels/spare/disable');
    expect(byDefault.json().disabled_reason).toBe('disabled by an administrator');
    await call('POST', '/api/admin/channels/spare/enable');
  });

  it('refuses to enable a channel its configuration disables, and answers 404 for an unknown one', async () => {
    const conflict = await call('POST', '/api/admin/channels/off/enable');
    expect(conflict.statusCode).toBe(409);
    expect((await call('POST', '/api/admin/channels/nope/enable')).statusCode).toBe(404);
    expect((await call('POST', '/api/admin/channels/nope/test')).statusCode).toBe(404);
    const badBody = await call('POST', '/api/admin/channels/spare/disable', adminKey, { reason: 42 });
    expect(badBody.statusCode).toBe(400);
  });

  it('tests a channel with a minimal real request and reports latency and result', async () => {
    upstream.reset();
    const response = await call('POST', '/api/admin/channels/main/test');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ ok: true, channel: 'main', model: 'gpt-4o-mini', error: null });
    expect(typeof body.latency_ms).toBe('number');
    expect(body.reply).toContain('ok');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Reply with the word: ok' }] });
    expect(upstream.requests[0]?.body?.stream).not.toBe(true);
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer sk-upstream-secret-123');
  });

  it("reports a refused credential without echoing it, and a timeout, as the test's result", async () => {
    upstream.setScenario('error-401');
    const refused = await call('POST', '/api/admin/channels/main/test');
    expect(refused.statusCode).toBe(200);
    expect(refused.body).not.toContain('sk-upstream-secret-123');
    expect(refused.json()).toMatchObject({ ok: false, error: { upstream_status: 401, kind: 'credential' } });
    // A test is a diagnosis: it does not change the channel's state.
    expect(health.isRoutable('main')).toBe(true);

    upstream.setScenario('hang');
    const hung = await call('POST', '/api/admin/channels/main/test');
    expect(hung.json()).toMatchObject({ ok: false, error: { code: 'upstream_timeout', kind: 'timeout' } });
    upstream.reset();
  });

  it('tests with a chosen model, and refuses one the channel does not serve', async () => {
    upstream.reset();
    expect((await call('POST', '/api/admin/channels/spare/test', adminKey, { model: 'gpt-4o-mini' })).json().ok).toBe(true);
    const unknown = await call('POST', '/api/admin/channels/spare/test', adminKey, { model: 'gpt-9' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.param).toBe('model');
  });
});

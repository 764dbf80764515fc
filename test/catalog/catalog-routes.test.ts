import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { sendError } from '../../src/http/error-reply.js';
import { registerCatalogRoutes, type CatalogApiContext } from '../../src/http/routes/catalog-routes.js';
import type { CatalogModelJson } from '../../src/catalog/encode-catalog-model.js';
import { fixtureCatalog, fixtureContext } from './catalog-fixtures.js';

const silentLogger = { error: () => undefined };

interface Harness {
  app: FastifyInstance;
  setContext(context: CatalogApiContext): void;
  setTime(iso: string): void;
}

function harness(context: CatalogApiContext, startAt = '2025-11-25T12:00:30Z'): Harness {
  let current = context;
  let time = Date.parse(startAt);
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, silentLogger));
  registerCatalogRoutes(app, () => current, { clock: () => time });
  return {
    app,
    setContext: (next) => (current = next),
    setTime: (iso) => (time = Date.parse(iso)),
  };
}

const catalog = fixtureCatalog([{ id: 'demo/echo', provider: 'demo', name: 'Demo echo (demo provider)', pricing: { input: 0, output: 0 } }]);
let open: FastifyInstance[] = [];
function start(context: CatalogApiContext, startAt?: string): Harness {
  const created = harness(context, startAt);
  open.push(created.app);
  return created;
}
afterEach(async () => {
  await Promise.all(open.map((app) => app.close()));
  open = [];
});

describe('GET /api/models', () => {
  it('answers the whole catalog without parameters', async () => {
    const { app } = start(fixtureContext(catalog, { models: ['gpt-4o', 'demo/echo'] }));
    const response = await app.inject({ url: '/api/models' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.json() as { data: CatalogModelJson[]; total: number; limit?: number };
    expect(body.data.map((model) => model.id)).toEqual(catalog.list().map((model) => model.id));
    expect(body.total).toBe(catalog.size);
    expect(body.limit).toBeUndefined();
    expect(body.data.find((model) => model.id === 'demo/echo')).toMatchObject({ provider: 'demo', available: true, pricing: { input: 0, output: 0 } });
    expect(body.data.find((model) => model.id === 'gpt-4-0314')).toMatchObject({ status: 'retired', replacement: 'gpt-5' });
  });

  it('reuses the encoded list within a minute, and recomputes status when the minute changes', async () => {
    const context = fixtureContext(catalog);
    const { app, setTime } = start(context, '2026-01-04T23:58:10Z');
    const first = await app.inject({ url: '/api/models' });
    const callsAfterFirst = context.ourPriceCalls;
    expect(callsAfterFirst).toBeGreaterThan(0);
    setTime('2026-01-04T23:58:50Z');
    const second = await app.inject({ url: '/api/models' });
    expect(second.body).toBe(first.body);
    expect(context.ourPriceCalls).toBe(callsAfterFirst);

    const opus = (body: string) => (JSON.parse(body) as { data: CatalogModelJson[] }).data.find((model) => model.id === 'claude-3-opus-20240229');
    expect(opus(first.body)?.status).toBe('deprecated');
    setTime('2026-01-05T00:00:05Z');
    const third = await app.inject({ url: '/api/models' });
    expect(opus(third.body)?.status).toBe('retired');
    expect(context.ourPriceCalls).toBeGreaterThan(callsAfterFirst);
    const retired = await app.inject({ url: '/api/models?status=retired' });
    expect((retired.json() as { data: CatalogModelJson[] }).data.map((model) => model.id)).toEqual(['gpt-4-0314', 'claude-3-opus-20240229']);
  });

  it('answers from the new context after a reload', async () => {
    const { app, setContext } = start(fixtureContext(catalog));
    const before = (await app.inject({ url: '/api/models' })).json() as { data: CatalogModelJson[] };
    expect(before.data.find((model) => model.id === 'gpt-5')?.available).toBe(false);
    setContext(fixtureContext(catalog, { models: ['gpt-5'] }));
    const after = (await app.inject({ url: '/api/models' })).json() as { data: CatalogModelJson[] };
    expect(after.data.find((model) => model.id === 'gpt-5')?.available).toBe(true);
  });

  it('filters, sorts and pages', async () => {
    const { app } = start(fixtureContext(catalog));
    const filtered = (await app.inject({ url: '/api/models?provider=anthropic&sort=name' })).json() as { data: CatalogModelJson[]; total: number; limit?: number };
    expect(filtered.data.map((model) => model.id)).toEqual(['claude-3-opus-20240229', 'claude-sonnet-4-5']);
    expect(filtered.total).toBe(2);
    expect(filtered.limit).toBeUndefined();

    const page = (await app.inject({ url: '/api/models?q=gpt&sort=price&limit=2&offset=1' })).json() as { data: CatalogModelJson[]; total: number; limit: number; offset: number };
    expect(page.data.map((model) => model.id)).toEqual(['gpt-4o', 'gpt-4-0314']);
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });

    const search = (await app.inject({ url: '/api/models?q=Claude%20Sonnet&modality=pdf&capability=tools&status=active' })).json() as { data: CatalogModelJson[] };
    expect(search.data.map((model) => model.id)).toEqual(['claude-sonnet-4-5']);
  });

  it('refuses bad parameters with the error envelope', async () => {
    const { app } = start(fixtureContext(catalog));
    const response = await app.inject({ url: '/api/models?status=gone' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: { message: expect.stringContaining('active, preview, deprecated, retired, coming_soon'), type: 'invalid_request_error', param: 'status', code: 'invalid_request' },
    });
    const repeated = await app.inject({ url: '/api/models?limit=1&limit=2' });
    expect(repeated.statusCode).toBe(400);
    expect((repeated.json() as { error: { param: string } }).error.param).toBe('limit');
  });
});

describe('GET /api/models/{id}', () => {
  const get = async (app: FastifyInstance, path: string) => {
    const response = await app.inject({ url: path });
    return { status: response.statusCode, body: response.json() as CatalogModelJson & { error?: { message: string; code: string; type: string; param: string | null } } };
  };

  it('answers one model by id, also when the id contains a slash', async () => {
    const { app } = start(fixtureContext(catalog));
    expect(await get(app, '/api/models/gpt-4o')).toMatchObject({ status: 200, body: { id: 'gpt-4o', offers: [{ provider: 'openai' }, { provider: 'openrouter' }, { provider: 'azure' }] } });
    expect(await get(app, '/api/models/demo/echo')).toMatchObject({ status: 200, body: { id: 'demo/echo', name: 'Demo echo (demo provider)' } });
    expect(await get(app, '/api/models/demo%2Fecho')).toMatchObject({ status: 200, body: { id: 'demo/echo' } });
  });

  it('answers the canonical model for an alias, an upstream id or a provider pin', async () => {
    const { app } = start(fixtureContext(catalog));
    expect((await get(app, '/api/models/gpt-4')).body.id).toBe('gpt-4-0613');
    expect((await get(app, '/api/models/anthropic/claude-sonnet-4.5')).body.id).toBe('claude-sonnet-4-5');
    expect((await get(app, '/api/models/openai/gpt-5')).body.id).toBe('gpt-5');
  });

  it('answers a retired model with its replacement', async () => {
    const { app } = start(fixtureContext(catalog));
    expect((await get(app, '/api/models/gpt-4-0314')).body).toMatchObject({ status: 'retired', retires_at: '2024-06-13', replacement: 'gpt-5' });
  });

  it('answers 404 model_not_found with close names', async () => {
    const { app } = start(fixtureContext(catalog));
    const { status, body } = await get(app, '/api/models/gpt-4oo');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
    expect(body.error?.message).toContain("The model 'gpt-4oo' does not exist.");
    expect(body.error?.message).toContain("Did you mean 'gpt-4o'");
    const unrelated = await get(app, '/api/models/qqqqqqqqqq');
    expect(unrelated.status).toBe(404);
    expect(unrelated.body.error?.message).toBe("The model 'qqqqqqqqqq' does not exist.");
  });
});

describe('GET /api/providers', () => {
  it('lists the snapshot providers with counts and availability', async () => {
    const { app } = start(fixtureContext(catalog, { providers: ['anthropic'] }));
    const response = await app.inject({ url: '/api/providers' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: Array<{ id: string; models: number; available: boolean; dialect: string }> };
    expect(body.data.map((provider) => provider.id)).toEqual(catalog.providers().map((provider) => provider.id));
    expect(body.data.find((provider) => provider.id === 'anthropic')).toMatchObject({ models: 2, available: true, dialect: 'anthropic' });
    expect(body.data.find((provider) => provider.id === 'groq')).toMatchObject({ models: 1, available: false });
  });
});

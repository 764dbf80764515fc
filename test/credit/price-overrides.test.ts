import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPriceOverrideRoutes } from '../../src/http/routes/price-override-routes.js';
import { loadPriceOverrides, priceOverridesAsModelConfigs } from '../../src/metering/load-price-overrides.js';
import { PriceBook } from '../../src/metering/price-book.js';
import { KyselyPriceOverrideStore } from '../../src/store/kysely-price-override-store.js';
import { createCaller, principalsFor, routeApp, type ErrorBody, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

describe.each(engines)('price overrides on $name', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let admin: TestCaller;
  let prices: KyselyPriceOverrideStore;
  let changes: number;

  beforeEach(async () => {
    database = await engine.open();
    admin = await createCaller(database.store, 'admin');
    prices = new KyselyPriceOverrideStore(database.db);
    changes = 0;
    const { principals } = principalsFor(database.store);
    app = await routeApp((instance) =>
      registerPriceOverrideRoutes(instance, {
        principals,
        prices,
        isKnownModel: (modelId) => modelId !== 'no-such-model',
        onPricesChanged: () => (changes += 1),
        now: () => Date.UTC(2025, 0, 1),
      }),
    );
  });

  afterEach(async () => {
    await app.close();
    await database.dispose();
  });

  const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: admin.headers, ...(payload ? { payload } : {}) });

  it('stores, replaces, lists and deletes overrides of a model id with a slash', async () => {
    const general = await call('PUT', '/api/admin/prices/meta/llama-3.3-70b', { input: '0.59', output: 0.79 });
    expect(general.statusCode).toBe(200);
    expect(general.json()).toMatchObject({ model: 'meta/llama-3.3-70b', provider: null, input: 0.59, output: 0.79, cached_input: null });
    await call('PUT', '/api/admin/prices/meta/llama-3.3-70b', { provider: 'groq', input: 0.5, output: 0.7, request: '0.001' });
    // A second PUT replaces the whole override: kinds it leaves out are no longer overridden.
    await call('PUT', '/api/admin/prices/meta/llama-3.3-70b', { input: '0.6' });

    const listed = await call('GET', '/api/admin/prices/meta/llama-3.3-70b');
    expect(listed.json().data).toEqual([
      expect.objectContaining({ provider: null, input: 0.6, output: null }),
      expect.objectContaining({ provider: 'groq', input: 0.5, output: 0.7, request: 0.001 }),
    ]);

    expect((await call('DELETE', '/api/admin/prices/meta/llama-3.3-70b?provider=groq')).statusCode).toBe(204);
    expect((await call('DELETE', '/api/admin/prices/meta/llama-3.3-70b?provider=groq')).statusCode).toBe(404);
    expect((await call('GET', '/api/admin/prices')).json().data).toHaveLength(1);
    expect(changes).toBe(4);
  });

  it('refuses bad prices, empty overrides and unknown models', async () => {
    const negative = await call('PUT', '/api/admin/prices/gpt-4o', { input: -1 });
    expect((negative.json() as ErrorBody).error.param).toBe('input');
    const tooFine = await call('PUT', '/api/admin/prices/gpt-4o', { output: '0.0000000000001' });
    expect((tooFine.json() as ErrorBody).error.param).toBe('output');
    const empty = await call('PUT', '/api/admin/prices/gpt-4o', { provider: 'openai' });
    expect(empty.statusCode).toBe(400);
    const unknown = await call('PUT', '/api/admin/prices/no-such-model', { input: 1 });
    expect(unknown.statusCode).toBe(404);
    expect((unknown.json() as ErrorBody).error.code).toBe('model_not_found');
    expect(changes).toBe(0);
  });

  it('loads overrides in the config shape, and the price book charges them exactly', async () => {
    await call('PUT', '/api/admin/prices/gpt-4o', { input: '2.5', output: '10', cached_input: '1.25' });
    await call('PUT', '/api/admin/prices/gpt-4o', { provider: 'azure', input: '2.75', output: 11 });
    const overrides = await loadPriceOverrides(prices);
    expect(overrides).toEqual([
      { id: 'gpt-4o', provider: null, pricing: { input: 2.5, output: 10, cachedInput: 1.25 } },
      { id: 'gpt-4o', provider: 'azure', pricing: { input: 2.75, output: 11 } },
    ]);

    const configs = priceOverridesAsModelConfigs(overrides, (modelId) => (modelId === 'gpt-4o' ? 'openai' : undefined));
    expect(configs.map((config) => config.provider)).toEqual(['openai', 'azure']);
    const book = new PriceBook(configs.map((config) => ({ modelId: config.id, provider: config.provider, pricing: config.pricing! })));
    // 2.5 USD per 1M tokens is 2_500_000 units (10^-12 USD) per token.
    expect(book.priceFor('gpt-4o', 'openai')).toMatchObject({ input: 2_500_000n, output: 10_000_000n, cachedInput: 1_250_000n });
    expect(book.priceFor('gpt-4o', 'azure')).toMatchObject({ input: 2_750_000n, output: 11_000_000n });
    expect(priceOverridesAsModelConfigs(overrides, () => undefined)).toHaveLength(1);
  });
});

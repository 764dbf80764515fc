import { existsSync } from 'node:fs';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { defaultCatalogSnapshotPath, loadCatalogSnapshot } from '../../src/catalog/load-catalog-snapshot.js';
import { ModelCatalog } from '../../src/catalog/model-catalog.js';
import { queryCatalog } from '../../src/catalog/catalog-query.js';
import { encodeCatalogModel, type CatalogModelJson } from '../../src/catalog/encode-catalog-model.js';
import { registerCatalogRoutes } from '../../src/http/routes/catalog-routes.js';
import { sendError } from '../../src/http/error-reply.js';
import { fixtureContext } from './catalog-fixtures.js';

const snapshotPath = defaultCatalogSnapshotPath();
// Retirement only becomes more true as time passes, so the real clock is safe here.
const NOW = new Date();

// The committed snapshot is produced by `switchyard catalog sync`; these checks run once it exists.
describe.skipIf(!existsSync(snapshotPath))('the committed catalog snapshot', () => {
  const catalog = existsSync(snapshotPath) ? new ModelCatalog(loadCatalogSnapshot()) : (null as unknown as ModelCatalog);
  const context = fixtureContext(catalog);

  it('holds at least 1,000 models with unique ids and known providers', () => {
    expect(catalog.size).toBeGreaterThanOrEqual(1000);
    expect(new Set(catalog.list().map((model) => model.id)).size).toBe(catalog.size);
    expect(catalog.providers().length).toBeGreaterThan(10);
  });

  it('knows gpt-4-0314 as retired, replaced by gpt-5', () => {
    const model = catalog.get('gpt-4-0314');
    expect(model).toBeDefined();
    expect(encodeCatalogModel(model!, context, NOW)).toMatchObject({ status: 'retired', replacement: 'gpt-5', provider: 'openai' });
    const dayBefore = new Date(Date.parse(model!.lifecycle!.retiresAt!) - 86_400_000);
    expect(encodeCatalogModel(model!, context, dayBefore).status).toBe('deprecated');
  });

  it('resolves the contract example names', () => {
    for (const id of ['gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash']) {
      expect(catalog.resolve(id)?.model.id).toBe(id);
    }
    expect(catalog.resolve('gpt-4')).not.toBeNull();
    expect(catalog.didYouMean('gpt-4oo')).toContain('gpt-4o');
  });

  it('answers queries over the whole catalog', () => {
    expect(queryCatalog(catalog, { provider: 'anthropic' }, NOW).total).toBeGreaterThan(5);
    expect(queryCatalog(catalog, { status: 'retired' }, NOW).total).toBeGreaterThan(0);
    const cheapest = queryCatalog(catalog, { sort: 'price', capability: 'tools', limit: 5 }, NOW);
    expect(cheapest.models).toHaveLength(5);
  });

  it('serves the whole catalog and one model over HTTP', async () => {
    const app = Fastify({ logger: false });
    app.setErrorHandler((error, request, reply) => sendError(request, reply, error, { error: () => undefined }));
    registerCatalogRoutes(app, () => context, { clock: () => NOW.getTime() });
    const list = await app.inject({ url: '/api/models' });
    expect(list.statusCode).toBe(200);
    const body = list.json() as { data: CatalogModelJson[] };
    expect(body.data).toHaveLength(catalog.size);
    const one = await app.inject({ url: '/api/models/gpt-4o' });
    expect((one.json() as CatalogModelJson).offers.length).toBeGreaterThan(1);
    await app.close();
  });
});

import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import type { CatalogApiContext } from '../../catalog/catalog-api-context.js';
import type { SnapshotModel } from '../../catalog/catalog-snapshot.js';
import { isDefaultCatalogQuery, parseCatalogQuery, runCatalogQuery, type CatalogQueryParameters } from '../../catalog/catalog-query.js';
import { encodeCatalogModel, type CatalogModelJson } from '../../catalog/encode-catalog-model.js';
import { encodeCatalogProvider } from '../../catalog/encode-catalog-provider.js';
import type { ModelCatalog } from '../../catalog/model-catalog.js';

export type { CatalogApiContext } from '../../catalog/catalog-api-context.js';

export interface CatalogRoutesOptions {
  /** Milliseconds since the epoch; the status of a model depends on it. */
  clock?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * Encoded models of one context for one minute. Status depends on the clock and availability on
 * the context, so a new minute or a new context (config reload) starts afresh.
 */
interface MinuteCache {
  minute: number;
  encoded: Map<string, CatalogModelJson>;
  /** `GET /api/models` without parameters, serialized and encoded once. */
  fullList: Buffer | null;
}

/** The public catalog: `GET /api/models`, `GET /api/models/{id}`, `GET /api/providers`. No auth. */
export function registerCatalogRoutes(app: FastifyInstance, catalogView: () => CatalogApiContext, options: CatalogRoutesOptions = {}): void {
  const clock = options.clock ?? Date.now;
  const caches = new WeakMap<CatalogApiContext, MinuteCache>();

  // Everything in one answer is computed at the start of the current minute, so statuses and the
  // cached encodings agree with each other.
  function currentView(): { context: CatalogApiContext; cache: MinuteCache; now: Date } {
    const context = catalogView();
    const minute = Math.floor(clock() / MINUTE_MS);
    let cache = caches.get(context);
    if (!cache || cache.minute !== minute) {
      cache = { minute, encoded: new Map(), fullList: null };
      caches.set(context, cache);
    }
    return { context, cache, now: new Date(minute * MINUTE_MS) };
  }

  function encoded(model: SnapshotModel, view: ReturnType<typeof currentView>): CatalogModelJson {
    let json = view.cache.encoded.get(model.id);
    if (!json) {
      json = encodeCatalogModel(model, view.context, view.now);
      view.cache.encoded.set(model.id, json);
    }
    return json;
  }

  app.get('/api/models', async (request, reply) => {
    const query = parseCatalogQuery((request.query ?? {}) as CatalogQueryParameters);
    const view = currentView();
    const { catalog } = view.context;
    if (isDefaultCatalogQuery(query)) {
      if (view.cache.fullList === null) {
        const data = catalog.list().map((model) => encoded(model, view));
        view.cache.fullList = Buffer.from(JSON.stringify({ data, total: data.length }), 'utf8');
      }
      return reply.type('application/json; charset=utf-8').send(view.cache.fullList);
    }
    const result = runCatalogQuery(catalog, query, view.now, (modelId, provider) => view.context.ourPrice(modelId, provider));
    const body: { data: CatalogModelJson[]; total: number; limit?: number | null; offset?: number } = {
      data: result.models.map((model) => encoded(model, view)),
      total: result.total,
    };
    if (result.limit !== null || result.offset > 0) {
      body.limit = result.limit;
      body.offset = result.offset;
    }
    return body;
  });

  // Ids may contain "/" (`demo/echo`), so the id is the rest of the path (already URL-decoded).
  app.get('/api/models/*', async (request) => {
    const name = (request.params as { '*': string })['*'];
    const view = currentView();
    const model = findModel(view.context.catalog, name);
    if (!model) throw notFound(view.context.catalog, name);
    return encoded(model, view);
  });

  app.get('/api/providers', async () => {
    const context = catalogView();
    return { data: context.catalog.providers().map((provider) => encodeCatalogProvider(provider, context.catalog, context)) };
  });
}

/** Exact id, alias or upstream id; else a `provider/model` pin of a known provider. */
function findModel(catalog: ModelCatalog, name: string): SnapshotModel | null {
  const resolved = catalog.resolve(name);
  if (resolved) return resolved.model;
  const slash = name.indexOf('/');
  if (slash > 0 && catalog.provider(name.slice(0, slash))) {
    return catalog.resolve(name.slice(slash + 1))?.model ?? null;
  }
  return null;
}

function notFound(catalog: ModelCatalog, name: string): GatewayError {
  const suggestions = catalog.didYouMean(name, 3);
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((id) => `'${id}'`).join(', ')}?` : '';
  return new GatewayError('model_not_found', `The model '${name}' does not exist.${hint}`, { param: 'model' });
}

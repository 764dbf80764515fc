import Fastify, { type FastifyInstance } from 'fastify';
import { GatewayError } from '../core/index.js';
import { newGenerationId } from '../pipeline/generation-id.js';
import type { GatewayServices } from './gateway-services.js';
import { sendError } from './error-reply.js';
import { registerChatCompletionsRoute } from './routes/chat-completions-route.js';
import { registerMessagesRoute } from './routes/messages-route.js';
import { registerResponsesRoute } from './routes/responses-route.js';
import { StoredResponses } from '../dialects/openai-responses/stored-responses.js';
import { registerEmbeddingsRoute } from './routes/embeddings-route.js';
import { registerModelsRoute } from './routes/models-route.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerAdminLedgerRoutes } from './routes/admin-ledger-routes.js';
import { registerCatalogRoutes } from './routes/catalog-routes.js';
import './request-decorations.js';

/**
 * The HTTP layer: Fastify on node:http (chosen by measurement, docs/decisions/0001). It only
 * decodes, delegates to the pipelines and encodes; errors all leave through `sendError`.
 */
export function createHttpServer(services: GatewayServices, moreRoutes: ReadonlyArray<(app: FastifyInstance) => void> = []): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: services.bodyLimitBytes,
    // Streams can be long; the gateway ends them itself.
    requestTimeout: 0,
    keepAliveTimeout: 75_000,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') documentedRoutes(app).push(`${method} ${openApiPath(route.url)}`);
    }
  });
  app.decorateRequest('generationId', '');
  app.decorateRequest('startedAt', 0);

  // Bodies are JSON whatever the content type says: `curl -d` sends form-urlencoded by default.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new GatewayError('invalid_request', 'The request body is not valid JSON.'), undefined);
    }
  });

  // A callback hook, not an async one: it runs on every request, and a promise costs more than the hook's work.
  app.addHook('onRequest', (request, reply, done) => {
    request.startedAt = Date.now();
    request.generationId = newGenerationId(request.startedAt);
    reply.header('x-request-id', request.generationId);
    services.activity.inFlight++;
    // 'close' fires once for every response, hijacked streams included (onResponse does not);
    // `on` rather than `once` spares a wrapper and its removal on every request.
    reply.raw.on('close', () => {
      services.activity.inFlight--;
      services.metrics.recordAnswered(request.routeOptions.url ?? 'unmatched', reply.raw.statusCode, (Date.now() - request.startedAt) / 1000);
    });
    if (services.isShuttingDown() && request.url.startsWith('/v1/')) {
      done(new GatewayError('shutting_down', 'The server is shutting down; retry on another instance.'));
      return;
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, services.logger));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new GatewayError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`), services.logger),
  );

  registerChatCompletionsRoute(app, services);
  registerMessagesRoute(app, services);
  registerResponsesRoute(app, services, { storedResponses: services.storedResponses ?? new StoredResponses({ retentionMs: services.storedResponsesTtlMs }) });
  registerEmbeddingsRoute(app, services);
  registerModelsRoute(app, services);
  registerAccountRoutes(app, services);
  registerHealthRoutes(app, services);
  registerAdminLedgerRoutes(app, { principals: services.principals, ledger: services.ledgerStore, findGeneration: (id) => services.store.findGeneration(id), flush: () => services.settlements.flush() });
  registerCatalogRoutes(app, services.catalogView);
  for (const register of moreRoutes) register(app);
  return app;
}

const routesByServer = new WeakMap<FastifyInstance, string[]>();

/** `METHOD /path` of every route registered on `app`, in OpenAPI's path notation. */
export function documentedRoutes(app: FastifyInstance): string[] {
  let routes = routesByServer.get(app);
  if (!routes) {
    routes = [];
    routesByServer.set(app, routes);
  }
  return routes;
}

/** Fastify's `:id` and `*` become OpenAPI's `{id}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/\*$/, '{id}');
}

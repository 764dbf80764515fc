import { createServer } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { GatewayError } from '../core/index.js';
import { newGenerationId } from '../pipeline/generation-id.js';
import type { GatewayServices } from './gateway-services.js';
import { sendError } from './error-reply.js';
import { DirectInferenceRoutes } from './direct-inference-routes.js';
import { countExchange, setFixedHeaders, shuttingDownError } from './exchange-accounting.js';
import { registerInferenceRoute } from './inference-exchange.js';
import { parseJsonBody } from './json-request-body.js';
import { chatCompletionsRoute } from './routes/chat-completions-route.js';
import { messagesRoute, registerMessagesRoute } from './routes/messages-route.js';
import { responsesRoute } from './routes/responses-route.js';
import { StoredResponses } from '../dialects/openai-responses/stored-responses.js';
import { registerEmbeddingsRoute } from './routes/embeddings-route.js';
import { registerModelsRoute } from './routes/models-route.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerAdminLedgerRoutes } from './routes/admin-ledger-routes.js';
import { registerCatalogRoutes } from './routes/catalog-routes.js';
import './request-decorations.js';

export interface HttpServerOptions {
  /** Headers every response carries, streams included (a worker's `x-switchyard-worker`). */
  responseHeaders?: Readonly<Record<string, string>>;
}

// Streams can be long; the gateway ends them itself.
const REQUEST_TIMEOUT_MS = 0;
const KEEP_ALIVE_TIMEOUT_MS = 75_000;

/**
 * The HTTP layer: Fastify on node:http (chosen by measurement, docs/decisions/0001), with the
 * inference routes served before it in their plain form (docs/decisions/0017). It only decodes,
 * delegates to the pipelines and encodes; errors all leave through `error-reply.ts`.
 */
export function createHttpServer(
  services: GatewayServices,
  moreRoutes: ReadonlyArray<(app: FastifyInstance) => void> = [],
  options: HttpServerOptions = {},
): FastifyInstance {
  const fixedHeaders = Object.entries(options.responseHeaders ?? {});
  const chat = chatCompletionsRoute(services);
  const messages = messagesRoute(services);
  const responses = responsesRoute(services, {
    storedResponses: services.storedResponses ?? new StoredResponses({ retentionMs: services.storedResponsesTtlMs }),
  });
  const direct = new DirectInferenceRoutes([chat, messages, responses], services, fixedHeaders);
  const app = Fastify({
    logger: false,
    bodyLimit: services.bodyLimitBytes,
    serverFactory: (fastifyHandler) => {
      const server = createServer((request, response) => {
        if (!direct.serve(request, response)) fastifyHandler(request, response);
      });
      // What Fastify sets on a server it creates itself.
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      server.requestTimeout = REQUEST_TIMEOUT_MS;
      return server;
    },
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
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

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    let parsed: unknown;
    try {
      parsed = parseJsonBody(body as string);
    } catch (error) {
      done(error as GatewayError, undefined);
      return;
    }
    done(null, parsed);
  });

  // A callback hook, not an async one: it runs on every request, and a promise costs more than the hook's work.
  app.addHook('onRequest', (request, reply, done) => {
    request.startedAt = Date.now();
    request.generationId = newGenerationId(request.startedAt);
    reply.header('x-request-id', request.generationId);
    setFixedHeaders(reply.raw, fixedHeaders);
    // 'close' fires for hijacked streams too (onResponse does not).
    countExchange(services, reply.raw, request.startedAt, () => request.routeOptions.url ?? 'unmatched');
    if (services.isShuttingDown() && request.url.startsWith('/v1/')) {
      done(shuttingDownError());
      return;
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error, services.logger));
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new GatewayError('not_found', `No route for ${request.method} ${request.url.split('?')[0]}.`), services.logger),
  );

  registerInferenceRoute(app, chat);
  registerMessagesRoute(app, services, messages);
  registerInferenceRoute(app, responses);
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

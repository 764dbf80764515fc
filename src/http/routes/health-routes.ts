import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import type { GatewayServices } from '../gateway-services.js';
import { buildOpenApiDocument } from '../openapi/openapi-document.js';
import { packageVersion } from '../../app/package-version.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerHealthRoutes(app: FastifyInstance, services: GatewayServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  // Built once: the document describes the code, which does not change while the process runs.
  let document: string | null = null;
  app.get('/openapi.json', async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApiDocument(packageVersion()));
    reply.header('content-type', 'application/json; charset=utf-8');
    return document;
  });

  app.get('/readyz', async (_request, reply) => {
    if (services.isShuttingDown()) return reply.code(503).send({ status: 'shutting_down' });
    try {
      await services.store.ping();
      return { status: 'ready', store: services.store.dialect };
    } catch {
      return reply.code(503).send({ status: 'store_unreachable', store: services.store.dialect });
    }
  });

  // Metrics are for operators: answered on loopback only until admin sessions exist.
  app.get('/metrics', async (request, reply) => {
    if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
      throw new GatewayError('not_found', 'Not found.');
    }
    reply.header('content-type', services.metrics.contentType);
    return services.metrics.render();
  });
}

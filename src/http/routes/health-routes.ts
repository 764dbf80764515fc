import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/index.js';
import type { GatewayServices } from '../gateway-services.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerHealthRoutes(app: FastifyInstance, services: GatewayServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

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
    reply.header('content-type', services.metrics.registry.contentType);
    return services.metrics.registry.metrics();
  });
}

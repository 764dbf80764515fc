// Fastify 5 (its own JSON body parser and serialiser), upstream via undici.request.
import Fastify from 'fastify';
import { request } from 'undici';
import { announceReady, requestedPort, upstreamOrigin } from '../lib/child-ready.js';
import { UPSTREAM_HEADERS, UPSTREAM_MODEL, UPSTREAM_PATH } from './upstream-request-settings.js';

const upstreamUrl = upstreamOrigin() + UPSTREAM_PATH;
const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });

app.post('/v1/chat/completions', async (incoming, reply) => {
  const body = /** @type {Record<string, unknown>} */ (incoming.body);
  body.model = UPSTREAM_MODEL;
  const upstream = await request(upstreamUrl, { method: 'POST', headers: UPSTREAM_HEADERS, body: JSON.stringify(body) });
  const answer = await upstream.body.json();
  reply.code(upstream.statusCode);
  return answer;
});

await app.listen({ port: requestedPort(), host: '127.0.0.1' });
announceReady(app.server);

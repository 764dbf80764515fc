// Hono on Node in its natural style: Web Request/Response through @hono/node-server, the body via
// c.req.json(), the upstream via the global fetch, the answer via c.json().
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { announceReady, requestedPort, upstreamOrigin } from '../lib/child-ready.js';
import { UPSTREAM_HEADERS, UPSTREAM_MODEL, UPSTREAM_PATH } from './upstream-request-settings.js';

const upstreamUrl = upstreamOrigin() + UPSTREAM_PATH;
const app = new Hono();

app.post('/v1/chat/completions', async (c) => {
  const body = await c.req.json();
  body.model = UPSTREAM_MODEL;
  const upstream = await fetch(upstreamUrl, { method: 'POST', headers: UPSTREAM_HEADERS, body: JSON.stringify(body) });
  const answer = await upstream.json();
  return c.json(answer, /** @type {200} */ (upstream.status));
});

const server = serve({ fetch: app.fetch, port: requestedPort(), hostname: '127.0.0.1' }, () => {
  server.keepAliveTimeout = 65_000;
  announceReady(/** @type {import('node:http').Server} */ (server));
});

// Hono on Node, but with the upstream call made like the other proxies (undici.request), to
// separate the cost of Hono's Web Request/Response layer from the cost of fetch.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { request } from 'undici';
import { announceReady, requestedPort, upstreamOrigin } from '../lib/child-ready.js';
import { UPSTREAM_HEADERS, UPSTREAM_MODEL, UPSTREAM_PATH } from './upstream-request-settings.js';

const upstreamUrl = upstreamOrigin() + UPSTREAM_PATH;
const app = new Hono();

app.post('/v1/chat/completions', async (c) => {
  const body = await c.req.json();
  body.model = UPSTREAM_MODEL;
  const upstream = await request(upstreamUrl, { method: 'POST', headers: UPSTREAM_HEADERS, body: JSON.stringify(body) });
  const answer = await upstream.body.json();
  return c.json(answer, /** @type {200} */ (upstream.statusCode));
});

const server = serve({ fetch: app.fetch, port: requestedPort(), hostname: '127.0.0.1' }, () => {
  server.keepAliveTimeout = 65_000;
  announceReady(/** @type {import('node:http').Server} */ (server));
});

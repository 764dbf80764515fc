// Floor of the framework comparison: bare node:http, body parsed by hand, upstream via undici.request.
import http from 'node:http';
import { request } from 'undici';
import { announceReady, requestedPort, upstreamOrigin } from '../lib/child-ready.js';
import { UPSTREAM_HEADERS, UPSTREAM_MODEL, UPSTREAM_PATH } from './upstream-request-settings.js';

const upstreamUrl = upstreamOrigin() + UPSTREAM_PATH;

const server = http.createServer((incoming, outgoing) => {
  if (incoming.method !== 'POST' || incoming.url !== '/v1/chat/completions') {
    sendJson(outgoing, 404, { error: { message: 'not found' } });
    return;
  }
  const chunks = [];
  incoming.on('data', (chunk) => chunks.push(chunk));
  incoming.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body.model = UPSTREAM_MODEL;
      const upstream = await request(upstreamUrl, { method: 'POST', headers: UPSTREAM_HEADERS, body: JSON.stringify(body) });
      const answer = await upstream.body.json();
      sendJson(outgoing, upstream.statusCode, answer);
    } catch (error) {
      sendJson(outgoing, 502, { error: { message: String(error) } });
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(requestedPort(), '127.0.0.1', () => announceReady(server));

function sendJson(outgoing, status, value) {
  const text = JSON.stringify(value);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}

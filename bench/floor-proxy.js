// The floor of the gateway bench: the least a proxy of chat completions can do in Node. Bare
// node:http, the JSON body parsed and serialised again, forwarded with undici.request; a JSON answer
// is parsed and serialised back, a stream is piped through chunk by chunk as it arrives. No
// authentication, routing, translation, metering or logging. Run as a bench child
// (UPSTREAM_ORIGIN=http://127.0.0.1:9000, port reported over IPC) or by hand with --port.
//
// FLOOR_WORKERS=N (N > 1) runs N node:cluster workers on one port, as SWITCHYARD_WORKERS does, so
// that the bench can tell what a second worker costs any Node proxy on the machine from what it
// costs Switchyard.
//
// FLOOR_HOLD_HEAD=1 holds a stream's head and first events until its first content, and sends them
// in one write, as Switchyard does so that a stream failing before any content can still fail over
// or get its own status (decision 0019). `first-token-paths.js --targets floor,floor-held` compares
// the two, to tell what holding the head costs a first token by itself.
import cluster from 'node:cluster';
import http from 'node:http';
import { request } from 'undici';
import { announcePort, announceReady, requestedPort, upstreamOrigin } from './lib/child-ready.js';
import { FIRST_TOKEN } from './lib/load-loop.js';

const upstreamUrl = `${upstreamOrigin()}/v1/chat/completions`;
const upstreamHeaders = { 'content-type': 'application/json', authorization: 'Bearer floor-bench-upstream-key' };

const workerCount = Number(process.env.FLOOR_WORKERS ?? 1);
const holdHead = process.env.FLOOR_HOLD_HEAD === '1';
if (workerCount > 1 && cluster.isPrimary) startWorkers(workerCount);
else serve();

/** The primary serves nothing: it forks the workers and announces their shared port once all listen. */
function startWorkers(count) {
  const ports = [];
  for (let index = 0; index < count; index += 1) {
    const worker = cluster.fork();
    worker.once('listening', (address) => {
      ports.push(address.port);
      if (ports.length === count) announcePort(ports[0]);
    });
    worker.once('exit', (code, signal) => {
      process.stderr.write(`floor worker ${worker.id} exited (${signal ?? code})\n`);
      process.exit(1);
    });
  }
}

function serve() {
  const server = http.createServer((incoming, outgoing) => {
    if (incoming.method !== 'POST' || incoming.url !== '/v1/chat/completions') {
      sendJson(outgoing, 404, { error: { message: 'not found' } });
      return;
    }
    const chunks = [];
    incoming.on('data', (chunk) => chunks.push(chunk));
    incoming.on('end', () => {
      forward(Buffer.concat(chunks).toString('utf8'), outgoing).catch((error) => {
        if (!outgoing.headersSent) sendJson(outgoing, 502, { error: { message: String(error) } });
        else outgoing.destroy();
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(requestedPort(), '127.0.0.1', () => {
    if (cluster.isPrimary) announceReady(server);
  });
}

async function forward(text, outgoing) {
  const body = JSON.parse(text);
  const abort = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) abort.abort();
  });
  const upstream = await request(upstreamUrl, {
    method: 'POST',
    headers: upstreamHeaders,
    body: JSON.stringify(body),
    signal: abort.signal,
  });
  const contentType = String(upstream.headers['content-type'] ?? '');
  if (!contentType.startsWith('text/event-stream')) {
    sendJson(outgoing, upstream.statusCode, await upstream.body.json());
    return;
  }
  const writeHead = () => outgoing.writeHead(upstream.statusCode, { 'content-type': contentType, 'cache-control': 'no-cache' });
  if (holdHead) {
    await pipeHoldingHead(upstream.body, outgoing, writeHead);
    return;
  }
  writeHead();
  for await (const chunk of upstream.body) outgoing.write(chunk);
  outgoing.end();
}

/**
 * Keeps the head and the chunks read until one carries what the load loop counts as the first
 * token (the mock writes one event a chunk).
 */
async function pipeHoldingHead(body, outgoing, writeHead) {
  let held = [];
  const release = () => {
    outgoing.cork();
    writeHead();
    for (const chunk of held) outgoing.write(chunk);
    outgoing.uncork();
    held = null;
  };
  for await (const chunk of body) {
    if (held === null) {
      outgoing.write(chunk);
      continue;
    }
    held.push(chunk);
    if (FIRST_TOKEN.test(chunk.toString('latin1'))) release();
  }
  if (held !== null) release();
  outgoing.end();
}

function sendJson(outgoing, status, value) {
  const text = JSON.stringify(value);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  outgoing.end(text);
}

// A paced OpenAI-compatible streaming upstream for the many-streams bench, run as a child process.
// Streams one content chunk every MOCK_INTERVAL_MS for MOCK_CHUNKS chunks, then the finish chunk,
// the usage chunk and `data: [DONE]`. Frames are built once per model id and shared by every
// stream, and each open stream costs one timer, so thousands of open answers stay cheap.
// The model `bench-warmup` streams the same frames without pacing (for warming the gateway up).
//
// Env: MOCK_PORT_COUNT (listening ports, one origin each; default 1), MOCK_CHUNKS (default 60),
// MOCK_INTERVAL_MS (default 1000). Reports `{type: 'ready', port, ports}` over IPC.
import http from 'node:http';

const WARMUP_MODEL = 'bench-warmup';
const PROMPT_TOKENS = 12;
const WORDS = ['Hello', ' from', ' the', ' paced', ' mock', '.'];

const portCount = Math.max(1, Number(process.env.MOCK_PORT_COUNT ?? 1));
const chunkCount = Math.max(1, Number(process.env.MOCK_CHUNKS ?? 60));
const intervalMs = Math.max(1, Number(process.env.MOCK_INTERVAL_MS ?? 1000));

/** @type {Map<string, { withUsage: Buffer[], withoutUsage: Buffer[] }>} */
const framesByModel = new Map();
let openStreams = 0;
let streamsStarted = 0;

function buildFrames(model, includeUsage) {
  const created = Math.floor(Date.now() / 1000);
  const frame = (choices, usage) => {
    const event = { id: 'chatcmpl-paced', object: 'chat.completion.chunk', created, model, choices };
    if (includeUsage) event.usage = usage;
    return Buffer.from(`data: ${JSON.stringify(event)}\n\n`);
  };
  const frames = [frame([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], null)];
  for (let index = 0; index < chunkCount; index += 1) {
    frames.push(frame([{ index: 0, delta: { content: WORDS[index % WORDS.length] }, logprobs: null, finish_reason: null }], null));
  }
  // The finish chunk goes out together with the usage chunk and [DONE], right after the last content.
  let tail = frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], null).toString();
  if (includeUsage) {
    const usage = { prompt_tokens: PROMPT_TOKENS, completion_tokens: chunkCount, total_tokens: PROMPT_TOKENS + chunkCount };
    tail += frame([], usage).toString();
  }
  tail += 'data: [DONE]\n\n';
  frames.push(Buffer.from(tail));
  return frames;
}

function framesFor(model, includeUsage) {
  let entry = framesByModel.get(model);
  if (!entry) {
    entry = { withUsage: buildFrames(model, true), withoutUsage: buildFrames(model, false) };
    framesByModel.set(model, entry);
  }
  return includeUsage ? entry.withUsage : entry.withoutUsage;
}

function streamAnswer(response, frames, paced) {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  openStreams += 1;
  streamsStarted += 1;
  let next = 0;
  let timer = null;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    openStreams -= 1;
    if (timer) clearTimeout(timer);
  };
  response.once('close', finish);
  const writeNext = () => {
    timer = null;
    if (finished) return;
    response.write(frames[next]);
    next += 1;
    if (next === frames.length) {
      response.end();
      finish();
    } else if (paced && next > 1) {
      timer = setTimeout(writeNext, intervalMs);
    } else {
      // The role chunk and the first content chunk go out at once; unpaced streams yield only.
      setImmediate(writeNext);
    }
  };
  writeNext();
}

function handle(request, response) {
  if (request.method !== 'POST' || !request.url?.startsWith('/v1/chat/completions')) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":"not_found"}}');
    return;
  }
  const parts = [];
  request.on('data', (part) => parts.push(part));
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {
      body = null;
    }
    if (!body || typeof body.model !== 'string' || body.stream !== true) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"this mock only streams","type":"invalid_request_error","param":null,"code":"stream_only"}}');
      return;
    }
    const includeUsage = body.stream_options?.include_usage === true;
    streamAnswer(response, framesFor(body.model, includeUsage), body.model !== WARMUP_MODEL);
  });
}

const servers = [];
const ports = [];
for (let index = 0; index < portCount; index += 1) {
  const server = http.createServer(handle);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Answers are long streams: Node's default request timeout must not cut them.
  server.requestTimeout = 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    // Thousands of connections arrive within seconds: a short accept queue would drop SYNs.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve);
  });
  servers.push(server);
  const address = server.address();
  ports.push(typeof address === 'object' && address ? address.port : 0);
}

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message?.type === 'stats') {
      process.send?.({ type: 'stats', id: message.id, openStreams, streamsStarted, usage: process.cpuUsage() });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port: ports[0], ports });
} else {
  process.stdout.write(`listening on ${ports.map((port) => `http://127.0.0.1:${port}`).join(' ')}\n`);
}
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const server of servers) server.closeAllConnections();
    process.exit(0);
  });
}

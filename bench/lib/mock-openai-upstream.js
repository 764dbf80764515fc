// A deliberately cheap upstream, so that the bench measures the process under test and not the
// mock. Speaks OpenAI Chat Completions (`POST /v1/chat/completions`, JSON and SSE with the usage
// chunk when `stream_options.include_usage` is set) and Anthropic Messages (`POST /v1/messages`,
// JSON and SSE), with keep-alive. The model name selects delays and chunk counts
// (see mock-model-behaviour.js). It counts the requests it holds open, so the bench can see how
// many requests a proxy really keeps in flight upstream.
import http from 'node:http';
import { anthropicMessage, anthropicStreamEvents } from './mock-anthropic-frames.js';
import { behaviourOfModel } from './mock-model-behaviour.js';
import { monotonicMs } from './monotonic-clock.js';
import { openAICompletion, openAIStreamEvents } from './mock-openai-frames.js';

/**
 * @typedef {object} MockUpstreamOptions
 * @property {number} [streamChunks] content chunks of a streamed answer for models without a chunk suffix (default 20)
 * @property {number} [chunkIntervalMs] pause between streamed events for such models; 0 yields to the event loop only
 */

/**
 * @typedef {object} PathMark
 * @property {number} arrivedAt when the request's head was read, on the machine's monotonic clock (ms)
 * @property {number} firstContentAt when an OpenAI stream's first content event was about to be written; NaN otherwise
 */

/**
 * @param {MockUpstreamOptions} [options]
 * @returns {http.Server & { inFlight: { current: number, peak: number }, pathMarks: { recording: boolean, marks: PathMark[] } }}
 */
export function createMockOpenAIUpstream(options = {}) {
  const defaults = { streamChunks: options.streamChunks ?? 20, chunkIntervalMs: options.chunkIntervalMs ?? 0 };
  const inFlight = { current: 0, peak: 0 };
  /** When `recording`, each request's arrival and first content write (`first-token-paths.js`). */
  const pathMarks = { recording: false, /** @type {PathMark[]} */ marks: [] };
  let sequence = 0;

  const server = http.createServer((request, response) => {
    const mark = pathMarks.recording ? { arrivedAt: monotonicMs(), firstContentAt: Number.NaN } : undefined;
    if (mark) pathMarks.marks.push(mark);
    if (request.method === 'GET' && request.url === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] });
      return;
    }
    const dialect = request.method !== 'POST' ? undefined : dialectOfPath(request.url ?? '');
    if (!dialect) {
      sendJson(response, 404, errorEnvelope('openai', 'not found'));
      return;
    }
    inFlight.current += 1;
    if (inFlight.current > inFlight.peak) inFlight.peak = inFlight.current;
    response.once('close', () => {
      inFlight.current -= 1;
    });
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendJson(response, 400, errorEnvelope(dialect, 'malformed JSON body'));
        return;
      }
      if (body === null || typeof body !== 'object' || typeof body.model !== 'string') {
        sendJson(response, 400, errorEnvelope(dialect, 'model is required'));
        return;
      }
      sequence += 1;
      const behaviour = behaviourOfModel(body.model, defaults);
      const answer = () => {
        if (response.destroyed) return;
        if (dialect === 'anthropic') answerAnthropic(response, body, `msg_bench${sequence}`, behaviour);
        else answerOpenAI(response, body, `chatcmpl-bench${sequence}`, behaviour, mark);
      };
      if (behaviour.delayMs > 0) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  });
  // Longer than any client's idle timeout, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return Object.assign(server, { inFlight, pathMarks });
}

function dialectOfPath(url) {
  if (url.startsWith('/v1/chat/completions')) return 'openai';
  if (url.startsWith('/v1/messages')) return 'anthropic';
  return undefined;
}

function answerOpenAI(response, body, id, behaviour, mark) {
  const promptTokens = estimatePromptTokens(body.messages, undefined);
  if (body.stream !== true) {
    sendJson(response, 200, openAICompletion(id, body.model, promptTokens));
    return;
  }
  const includeUsage = body.stream_options?.include_usage === true;
  // The first event only names the role; the second carries the first content.
  const onWrite = mark && ((index) => index === 1 && (mark.firstContentAt = monotonicMs()));
  writeEvents(response, openAIStreamEvents(id, body.model, promptTokens, behaviour.streamChunks, includeUsage), behaviour.chunkIntervalMs, onWrite);
}

function answerAnthropic(response, body, id, behaviour) {
  const inputTokens = estimatePromptTokens(body.messages, body.system);
  if (body.stream !== true) {
    sendJson(response, 200, anthropicMessage(id, body.model, inputTokens));
    return;
  }
  writeEvents(response, anthropicStreamEvents(id, body.model, inputTokens, behaviour.streamChunks), behaviour.chunkIntervalMs);
}

/** Each event in its own write and its own event-loop turn, so the stream arrives as real chunks. */
function writeEvents(response, events, chunkIntervalMs, onWrite) {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let next = 0;
  let closed = false;
  response.once('close', () => {
    closed = true;
  });
  const writeNext = () => {
    if (closed) return;
    // Noted before the write: a client on the other core may read the bytes before it returns.
    onWrite?.(next);
    response.write(events[next]);
    next += 1;
    if (next === events.length) response.end();
    else if (chunkIntervalMs > 0) setTimeout(writeNext, chunkIntervalMs);
    else setImmediate(writeNext);
  };
  writeNext();
}

function estimatePromptTokens(messages, system) {
  let characters = typeof system === 'string' ? system.length : 0;
  const count = Array.isArray(messages) ? messages.length : 0;
  for (let index = 0; index < count; index += 1) {
    const content = messages[index]?.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) if (typeof part?.text === 'string') characters += part.text.length;
    }
  }
  return Math.max(1, Math.ceil(characters / 4)) + 3 * count;
}

function errorEnvelope(dialect, message) {
  if (dialect === 'anthropic') return { type: 'error', error: { type: 'invalid_request_error', message } };
  return { error: { message, type: 'invalid_request_error', param: null, code: 'invalid_request' } };
}

function sendJson(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

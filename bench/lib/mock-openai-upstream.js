// A deliberately cheap OpenAI-compatible upstream, so that the bench measures the process under
// test and not the mock. Speaks Chat Completions JSON and its SSE stream (with the usage chunk
// when `stream_options.include_usage` is set), with keep-alive.
import http from 'node:http';

const ANSWER_WORDS = ['Hello', ' from', ' the', ' bench', ' mock', ' upstream', '.'];

/**
 * @typedef {object} MockUpstreamOptions
 * @property {number} [streamChunks] content chunks per streamed answer (default 20)
 * @property {number} [chunkIntervalMs] pause between streamed chunks; 0 yields to the event loop only
 */

/**
 * @param {MockUpstreamOptions} [options]
 * @returns {http.Server}
 */
export function createMockOpenAIUpstream(options = {}) {
  const streamChunks = options.streamChunks ?? 20;
  const chunkIntervalMs = options.chunkIntervalMs ?? 0;
  let sequence = 0;

  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/v1/models') {
      sendJson(response, 200, { object: 'list', data: [{ id: 'bench-model', object: 'model', created: 0, owned_by: 'bench' }] });
      return;
    }
    if (request.method !== 'POST' || !request.url?.startsWith('/v1/chat/completions')) {
      sendJson(response, 404, errorEnvelope('not found', 'invalid_request_error', 'not_found'));
      return;
    }
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        sendJson(response, 400, errorEnvelope('malformed JSON body', 'invalid_request_error', 'invalid_json'));
        return;
      }
      if (body === null || typeof body !== 'object' || typeof body.model !== 'string') {
        sendJson(response, 400, errorEnvelope('model is required', 'invalid_request_error', 'missing_model'));
        return;
      }
      sequence += 1;
      const id = `chatcmpl-bench${sequence}`;
      const promptTokens = estimatePromptTokens(body.messages);
      if (body.stream === true) {
        const includeUsage = body.stream_options?.include_usage === true;
        streamAnswer(response, { id, model: body.model, promptTokens, includeUsage, streamChunks, chunkIntervalMs });
      } else {
        sendJson(response, 200, completion(id, body.model, promptTokens));
      }
    });
  });
  // Longer than any client's idle timeout, so a reused socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

function completion(id, model, promptTokens) {
  const completionTokens = ANSWER_WORDS.length;
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: ANSWER_WORDS.join(''), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(promptTokens, completionTokens),
    system_fingerprint: null,
  };
}

function usage(promptTokens, completionTokens) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function streamAnswer(response, { id, model, promptTokens, includeUsage, streamChunks, chunkIntervalMs }) {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices, usageValue) => {
    const event = { id, object: 'chat.completion.chunk', created, model, choices };
    // With include_usage every chunk carries `usage`: null until the final usage-only chunk.
    if (includeUsage) event.usage = usageValue;
    return `data: ${JSON.stringify(event)}\n\n`;
  };
  const events = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], null)];
  for (let index = 0; index < streamChunks; index += 1) {
    const word = ANSWER_WORDS[index % ANSWER_WORDS.length];
    events.push(chunk([{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }], null));
  }
  events.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], null));
  if (includeUsage) events.push(chunk([], usage(promptTokens, streamChunks)));
  events.push('data: [DONE]\n\n');

  let next = 0;
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  const writeNext = () => {
    if (closed) return;
    response.write(events[next]);
    next += 1;
    if (next === events.length) {
      response.end();
    } else if (chunkIntervalMs > 0) {
      setTimeout(writeNext, chunkIntervalMs);
    } else {
      // Separate writes in separate turns, so the stream arrives as real chunks, not one burst.
      setImmediate(writeNext);
    }
  };
  writeNext();
}

function estimatePromptTokens(messages) {
  if (!Array.isArray(messages)) return 1;
  let characters = 0;
  for (const message of messages) {
    if (message && typeof message.content === 'string') characters += message.content.length;
  }
  return Math.max(1, Math.ceil(characters / 4)) + 3 * messages.length;
}

function errorEnvelope(message, type, code) {
  return { error: { message, type, param: null, code } };
}

function sendJson(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

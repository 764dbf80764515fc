import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks OpenAI's Chat Completions and Embeddings wire
 * format. It answers from recorded fixtures (test/fixtures/openai) or, by default, with a
 * deterministic echo of the last user message, and records every request it receives.
 */

export interface RecordedRequest {
  method: string;
  /** Path with query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, or null when there was none or it was not JSON. */
  body: Record<string, unknown> | null;
  rawBody: string;
  /** The client's port: requests sharing it came over the same kept-alive connection. */
  remotePort: number;
}

/** A named, prepared answer. */
export type MockScenarioName =
  | 'echo'
  | 'chat-completion'
  | 'chat-completion-tool-calls'
  | 'chat-completion-refusal-logprobs'
  | 'chat-completion-deepseek'
  | 'chat-stream'
  | 'chat-stream-tool-calls'
  | 'stream-cut'
  | 'stream-error'
  | 'slow-stream'
  | 'embeddings'
  | 'error-400'
  | 'error-401'
  | 'error-404-model'
  | 'error-429'
  | 'error-500'
  | 'hang';

/** A custom answer: a JSON or text body, or a list of SSE `data:` payloads. */
export type MockResponse =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  | { status?: number; headers?: Record<string, string>; text: string }
  | { sse: string[]; intervalMs?: number; cut?: boolean };

export type MockScenario = MockScenarioName | MockResponse;
export type ScenarioSelector = MockScenario | ((request: RecordedRequest) => MockScenario | undefined);

export interface MockOpenAIUpstream {
  /** Base URL ending in `/v1`, ready for an SDK's `baseURL` or a channel's `base_url`. */
  url: string;
  requests: RecordedRequest[];
  /** The answer to every request (a function may decide per request; undefined falls back to echo). */
  setScenario(selector: ScenarioSelector): void;
  /** The answer to requests for one model; takes precedence over `setScenario`. */
  setScenarioForModel(model: string, scenario: MockScenario): void;
  /** Forgets recorded requests and scenarios. */
  reset(): void;
  /** Resolves when the response to the request at that index closes; `finished` is false if it was cut. */
  responseClosed(requestIndex: number): Promise<{ finished: boolean }>;
  /** TCP connections currently open to the server. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface MockOpenAIUpstreamOptions {
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
}

const fixtureDirectory = new URL('../fixtures/openai/', import.meta.url);

export function readOpenAIFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDirectory), 'utf8');
}

const jsonFixtures: Partial<Record<MockScenarioName, { file: string; status: number; headers?: Record<string, string> }>> = {
  'chat-completion': { file: 'chat-completion.json', status: 200 },
  'chat-completion-tool-calls': { file: 'chat-completion-tool-calls.json', status: 200 },
  'chat-completion-refusal-logprobs': { file: 'chat-completion-refusal-logprobs.json', status: 200 },
  'chat-completion-deepseek': { file: 'chat-completion-deepseek.json', status: 200 },
  embeddings: { file: 'embeddings.json', status: 200 },
  'error-400': { file: 'error-400-invalid.json', status: 400 },
  'error-404-model': { file: 'error-404-model.json', status: 404 },
  'error-429': {
    file: 'error-429.json',
    status: 429,
    headers: { 'retry-after': '2', 'x-ratelimit-limit-requests': '500', 'x-ratelimit-remaining-requests': '0' },
  },
  'error-500': { file: 'error-500.json', status: 500 },
};

const sseFixtures: Partial<Record<MockScenarioName, { file: string; cut: boolean }>> = {
  'chat-stream': { file: 'chat-stream-with-usage.sse', cut: false },
  'chat-stream-tool-calls': { file: 'chat-stream-parallel-tool-calls.sse', cut: false },
  'stream-cut': { file: 'chat-stream-cut.sse', cut: true },
  'stream-error': { file: 'chat-stream-error.sse', cut: false },
};

export async function startMockOpenAIUpstream(options: MockOpenAIUpstreamOptions = {}): Promise<MockOpenAIUpstream> {
  const requests: RecordedRequest[] = [];
  const closedResponses: Array<Promise<{ finished: boolean }>> = [];
  const byModel = new Map<string, MockScenario>();
  let selector: ScenarioSelector = 'echo';
  const sockets = new Set<Socket>();

  const server = createServer((incoming, response) => {
    void readBody(incoming).then((rawBody) => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body: parseJsonObject(rawBody),
        rawBody,
        remotePort: incoming.socket.remotePort ?? 0,
      };
      requests.push(recorded);
      closedResponses.push(
        new Promise((resolve) => response.on('close', () => resolve({ finished: response.writableFinished }))),
      );
      const model = typeof recorded.body?.model === 'string' ? recorded.body.model : undefined;
      const chosen =
        (model === undefined ? undefined : byModel.get(model)) ??
        (typeof selector === 'function' ? selector(recorded) : selector) ??
        'echo';
      answer(recorded, chosen, response, options);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setScenario: (next) => {
      selector = next;
    },
    setScenarioForModel: (model, scenario) => {
      byModel.set(model, scenario);
    },
    reset: () => {
      requests.length = 0;
      closedResponses.length = 0;
      byModel.clear();
      selector = 'echo';
    },
    responseClosed: (index) => closedResponses[index] ?? Promise.reject(new Error(`no request #${index}`)),
    openConnections: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(request: RecordedRequest, scenario: MockScenario, response: ServerResponse, options: MockOpenAIUpstreamOptions): void {
  const bearer = bearerToken(request.headers);
  if (scenario === 'error-401' || (options.apiKey !== undefined && bearer !== options.apiKey)) {
    // Echoing the presented credential in full is the worst an upstream could do.
    const body = JSON.parse(readOpenAIFixture('error-401.json')) as { error: { message: string } };
    body.error.message = `Incorrect API key provided: ${bearer ?? ''}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    return sendJson(response, 401, body);
  }
  if (typeof scenario === 'object') return sendCustom(response, scenario);
  const jsonFixture = jsonFixtures[scenario];
  if (jsonFixture !== undefined) {
    return sendJson(response, jsonFixture.status, JSON.parse(readOpenAIFixture(jsonFixture.file)), jsonFixture.headers);
  }
  const sseFixture = sseFixtures[scenario];
  if (sseFixture !== undefined) {
    return streamRaw(response, splitSseEvents(readOpenAIFixture(sseFixture.file)), 0, sseFixture.cut);
  }
  if (scenario === 'slow-stream') return streamSlowly(request, response);
  if (scenario === 'hang') return;
  answerEcho(request, response);
}

function answerEcho(request: RecordedRequest, response: ServerResponse): void {
  const route = `${request.method} ${request.path.split('?')[0]}`;
  if (route === 'POST /v1/chat/completions' && request.body !== null) return echoChat(request.body, response);
  if (route === 'POST /v1/embeddings' && request.body !== null) return sendJson(response, 200, echoEmbeddings(request.body));
  if (route === 'GET /v1/models') {
    return sendJson(response, 200, { object: 'list', data: [{ id: 'mock-model', object: 'model', created: 1700000000, owned_by: 'mock' }] });
  }
  sendJson(response, 404, {
    error: { message: `Invalid URL (${route})`, type: 'invalid_request_error', param: null, code: null },
  });
}

function echoChat(body: Record<string, unknown>, response: ServerResponse): void {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const userText = lastUser === undefined ? '' : messageText(lastUser.content);
  const model = typeof body.model === 'string' ? body.model : 'mock-model';
  const limit = numberField(body.max_completion_tokens) ?? numberField(body.max_tokens);
  let words = `Echo: ${userText || '(empty)'}`.split(' ');
  let finishReason = 'stop';
  if (limit !== undefined && words.length > limit) {
    words = words.slice(0, limit);
    finishReason = 'length';
  }
  const toolCall = echoToolCall(body, userText);
  if (toolCall !== null) finishReason = 'tool_calls';
  const text = words.join(' ');
  const usage = {
    prompt_tokens: messages.reduce((sum, message) => sum + 1 + wordCount(messageText(message.content)), 0),
    completion_tokens: toolCall === null ? words.length : 8,
    total_tokens: 0,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  const choiceCount = numberField(body.n) ?? 1;
  const head = { id: 'chatcmpl-mock-echo', created: 1700000000, model, system_fingerprint: 'fp_mock' };

  if (body.stream !== true) {
    const message = toolCall === null
      ? { role: 'assistant', content: text, refusal: null, annotations: [] }
      : { role: 'assistant', content: null, tool_calls: [toolCall], refusal: null, annotations: [] };
    return sendJson(response, 200, {
      ...head,
      object: 'chat.completion',
      choices: Array.from({ length: choiceCount }, (_, index) => ({ index, message, logprobs: null, finish_reason: finishReason })),
      usage,
      service_tier: 'default',
    });
  }
  const includeUsage = (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...(includeUsage ? { usage: null } : {}), ...extra });
  const perChoice = (delta: unknown, finish: string | null = null) =>
    Array.from({ length: choiceCount }, (_, index) => ({ index, delta, logprobs: null, finish_reason: finish }));
  const events = [chunk(perChoice({ role: 'assistant', content: '', refusal: null }))];
  if (toolCall === null) {
    words.forEach((word, index) => events.push(chunk(perChoice({ content: index === 0 ? word : ` ${word}` }))));
  } else {
    const { id, type, function: call } = toolCall;
    events.push(chunk(perChoice({ tool_calls: [{ index: 0, id, type, function: { name: call.name, arguments: '' } }] })));
    const half = Math.ceil(call.arguments.length / 2);
    for (const piece of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      events.push(chunk(perChoice({ tool_calls: [{ index: 0, function: { arguments: piece } }] })));
    }
  }
  events.push(chunk(perChoice({}, finishReason)));
  if (includeUsage) events.push(chunk([], { usage }));
  events.push('[DONE]');
  streamRaw(response, events, 0, false);
}

/** Calls the first tool when the request insists on a tool call, with the user's text as argument. */
function echoToolCall(body: Record<string, unknown>, userText: string) {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ function?: { name?: string } }>) : [];
  const choice = body.tool_choice as string | { function?: { name?: string } } | undefined;
  if (tools.length === 0 || (choice !== 'required' && typeof choice !== 'object')) return null;
  const name = (typeof choice === 'object' ? choice.function?.name : undefined) ?? tools[0]?.function?.name ?? 'tool';
  return { id: 'call_mock_echo', type: 'function', function: { name, arguments: JSON.stringify({ text: userText }) } };
}

function echoEmbeddings(body: Record<string, unknown>): unknown {
  const inputs = Array.isArray(body.input) ? (body.input as unknown[]) : [body.input];
  const dimensions = numberField(body.dimensions) ?? 8;
  const base64 = body.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = deterministicVector(JSON.stringify(input), dimensions);
    const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  const tokens = inputs.reduce<number>((sum, input) => sum + (typeof input === 'string' ? wordCount(input) : Array.isArray(input) ? input.length : 1), 0);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function deterministicVector(seedText: string, dimensions: number): number[] {
  let state = 2166136261;
  for (const character of seedText) state = Math.imul(state ^ character.charCodeAt(0), 16777619) >>> 0;
  return Array.from({ length: dimensions }, () => {
    state = Math.imul(state ^ (state >>> 15), 2246822507) >>> 0;
    return Math.round(((state / 4294967295) * 2 - 1) * 1e6) / 1e6;
  });
}

function streamSlowly(request: RecordedRequest, response: ServerResponse): void {
  const model = typeof request.body?.model === 'string' ? request.body.model : 'mock-model';
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({ id: 'chatcmpl-mock-slow', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' })];
  for (let index = 0; index < 400; index += 1) events.push(chunk({ content: `tick${index} ` }));
  events.push(chunk({}, 'stop'), '[DONE]');
  streamRaw(response, events, 25, false);
}

/** Writes SSE events one by one; `cut` destroys the connection after the last one instead of ending. */
function streamRaw(response: ServerResponse, events: string[], intervalMs: number, cut: boolean): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  let position = 0;
  const writeNext = (): void => {
    if (response.destroyed) return;
    const event = events[position];
    if (event === undefined) {
      if (cut) response.socket?.destroy();
      else response.end();
      return;
    }
    position += 1;
    response.write(`data: ${event}\n\n`);
    if (intervalMs > 0) setTimeout(writeNext, intervalMs);
    else setImmediate(writeNext);
  };
  writeNext();
}

function sendCustom(response: ServerResponse, custom: MockResponse): void {
  if ('sse' in custom) return streamRaw(response, custom.sse, custom.intervalMs ?? 0, custom.cut ?? false);
  if ('json' in custom) return sendJson(response, custom.status ?? 200, custom.json, custom.headers);
  response.writeHead(custom.status ?? 200, { 'content-type': 'text/plain', ...custom.headers });
  response.end(custom.text);
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Splits a recorded SSE file into the payloads of its `data:` lines. */
export function splitSseEvents(text: string): string[] {
  return text
    .split(/\n\n+/)
    .map((block) => block.replace(/^data: ?/, '').trim())
    .filter((payload) => payload !== '');
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : ''))
    .filter((text) => text !== '')
    .join(' ');
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

function numberField(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}

import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks OpenAI's Responses API (`POST /v1/responses`). It
 * answers from recorded fixtures (test/fixtures/openai-responses) or, by default, with an echo of
 * the last user text, and records every request. Requires `authorization: Bearer <key>` when a key
 * is configured.
 */

export interface RecordedResponsesRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export type ResponsesFixtureScenario =
  | 'response-function-call'
  | 'response-incomplete'
  | 'error-429'
  | 'stream-function-call'
  | 'stream-failed'
  | 'stream-cut';

/** A custom answer: JSON with a status, or raw SSE text, optionally written in small pieces or cut. */
export type ResponsesMockResponse =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  | { sse: string; chunkBytes?: number; cut?: boolean };

export type ResponsesMockScenario = 'echo' | ResponsesFixtureScenario | ResponsesMockResponse;

export interface MockOpenAIResponsesUpstream {
  /** Base URL ending in `/v1`, as a channel's base URL. */
  url: string;
  requests: RecordedResponsesRequest[];
  setScenario(scenario: ResponsesMockScenario): void;
  reset(): void;
  close(): Promise<void>;
}

const fixtureDirectory = new URL('../fixtures/openai-responses/', import.meta.url);

export function readResponsesFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDirectory), 'utf8');
}

export async function startMockOpenAIResponsesUpstream(options: { apiKey?: string } = {}): Promise<MockOpenAIResponsesUpstream> {
  const requests: RecordedResponsesRequest[] = [];
  const sockets = new Set<Socket>();
  let scenario: ResponsesMockScenario = 'echo';
  const server = createServer((incoming, response) => {
    void readBody(incoming).then((rawBody) => {
      const recorded: RecordedResponsesRequest = {
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        headers: incoming.headers,
        body: parseJsonObject(rawBody),
      };
      requests.push(recorded);
      answer(recorded, scenario, response, options.apiKey);
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
      scenario = next;
    },
    reset: () => {
      requests.length = 0;
      scenario = 'echo';
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(request: RecordedResponsesRequest, scenario: ResponsesMockScenario, response: ServerResponse, apiKey: string | undefined): void {
  if (apiKey !== undefined && request.headers.authorization !== `Bearer ${apiKey}`) {
    return sendJson(response, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  }
  if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/responses' || request.body === null) {
    return sendJson(response, 404, { error: { message: 'Not found', type: 'invalid_request_error', param: null, code: null } });
  }
  if (typeof scenario === 'object') {
    if ('json' in scenario) return sendJson(response, scenario.status ?? 200, scenario.json, scenario.headers);
    return void streamText(response, scenario.sse, scenario.chunkBytes, scenario.cut === true);
  }
  if (scenario === 'echo') return echo(request.body, response);
  if (scenario === 'error-429') return sendJson(response, 429, JSON.parse(readResponsesFixture('error-429.json')), { 'retry-after': '2' });
  if (scenario.startsWith('stream-')) return void streamText(response, readResponsesFixture(`${scenario}.sse`), undefined, scenario === 'stream-cut');
  sendJson(response, 200, JSON.parse(readResponsesFixture(`${scenario}.json`)));
}

function echo(body: Record<string, unknown>, response: ServerResponse): void {
  const text = `Echo: ${lastUserText(body.input)}`;
  const model = typeof body.model === 'string' ? body.model : 'gpt-mock';
  const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 };
  const base = { id: 'resp_echo', object: 'response', created_at: 1756000000, error: null, incomplete_details: null, model };
  const message = { type: 'message', id: 'msg_echo', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [], logprobs: [] }] };
  if (body.stream !== true) return sendJson(response, 200, { ...base, status: 'completed', output: [message], usage });
  const inProgress = { ...base, status: 'in_progress', output: [], usage: null };
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: inProgress },
    { type: 'response.in_progress', response: inProgress },
    { type: 'response.output_item.added', output_index: 0, item: { ...message, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', item_id: 'msg_echo', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
    { type: 'response.output_text.delta', item_id: 'msg_echo', output_index: 0, content_index: 0, delta: text, logprobs: [] },
    { type: 'response.output_text.done', item_id: 'msg_echo', output_index: 0, content_index: 0, text, logprobs: [] },
    { type: 'response.content_part.done', item_id: 'msg_echo', output_index: 0, content_index: 0, part: message.content[0] },
    { type: 'response.output_item.done', output_index: 0, item: message },
    { type: 'response.completed', response: { ...base, status: 'completed', output: [message], usage } },
  ];
  const sse = events.map((event, index) => `event: ${String(event.type)}\ndata: ${JSON.stringify({ ...event, sequence_number: index })}\n\n`).join('');
  void streamText(response, sse, undefined, false);
}

function lastUserText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const users = input.filter((item: { role?: unknown }) => typeof item === 'object' && item !== null && item.role === 'user');
  const last = users[users.length - 1] as { content?: unknown } | undefined;
  if (last === undefined) return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return last.content
    .map((part: { type?: unknown; text?: unknown }) => (part.type === 'input_text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

async function streamText(response: ServerResponse, text: string, chunkBytes: number | undefined, cut: boolean): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  response.flushHeaders();
  const bytes = Buffer.from(text, 'utf8');
  const size = chunkBytes ?? bytes.length;
  for (let offset = 0; offset < bytes.length; offset += size) {
    response.write(bytes.subarray(offset, offset + size));
    if (chunkBytes !== undefined) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  if (cut) {
    // Let the written bytes reach the client before the connection drops, as a real cut would.
    await new Promise((resolve) => setTimeout(resolve, 20));
    response.socket?.destroy();
  } else response.end();
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

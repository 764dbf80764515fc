import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks Anthropic's Messages API wire format. It answers
 * from recorded fixtures (test/fixtures/anthropic) or, by default, with an echo of the last user
 * text, and records every request it receives. Like the real API it requires `x-api-key` (when
 * configured) and `anthropic-version`.
 */

export interface RecordedAnthropicRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown> | null;
}

export type AnthropicFixtureScenario =
  | 'message'
  | 'message-thinking-tool-use'
  | 'error-400'
  | 'error-429'
  | 'error-529'
  | 'stream-text'
  | 'stream-tool-use'
  | 'stream-thinking'
  | 'stream-overloaded-error'
  | 'stream-cut';

/** A custom answer: JSON with a status, or raw SSE text, optionally written in small pieces or cut. */
export type AnthropicMockResponse =
  | { status?: number; headers?: Record<string, string>; json: unknown }
  | { sse: string; chunkBytes?: number; cut?: boolean };

export type AnthropicMockScenario = 'echo' | AnthropicFixtureScenario | AnthropicMockResponse;

export interface MockAnthropicUpstream {
  /** Base URL without `/v1`, as a channel's base URL for the `anthropic` provider. */
  url: string;
  requests: RecordedAnthropicRequest[];
  setScenario(scenario: AnthropicMockScenario): void;
  reset(): void;
  close(): Promise<void>;
}

const fixtureDirectory = new URL('../fixtures/anthropic/', import.meta.url);

export function readAnthropicFixture(name: string): string {
  return readFileSync(new URL(name, fixtureDirectory), 'utf8');
}

const errorStatus: Partial<Record<AnthropicFixtureScenario, { status: number; headers?: Record<string, string> }>> = {
  'error-400': { status: 400 },
  'error-429': { status: 429, headers: { 'retry-after': '3' } },
  'error-529': { status: 529 },
};

export async function startMockAnthropicUpstream(options: { apiKey?: string } = {}): Promise<MockAnthropicUpstream> {
  const requests: RecordedAnthropicRequest[] = [];
  const sockets = new Set<Socket>();
  let scenario: AnthropicMockScenario = 'echo';

  const server = createServer((incoming, response) => {
    void readBody(incoming).then((rawBody) => {
      const recorded: RecordedAnthropicRequest = {
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
    url: `http://127.0.0.1:${port}`,
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

function answer(request: RecordedAnthropicRequest, scenario: AnthropicMockScenario, response: ServerResponse, apiKey: string | undefined): void {
  if (apiKey !== undefined && request.headers['x-api-key'] !== apiKey) {
    return sendJson(response, 401, { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
  }
  if (request.headers['anthropic-version'] === undefined) {
    return sendJson(response, 400, {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  }
  if (request.method !== 'POST' || request.path.split('?')[0] !== '/v1/messages' || request.body === null) {
    return sendJson(response, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
  }
  if (typeof scenario === 'object') {
    if ('json' in scenario) return sendJson(response, scenario.status ?? 200, scenario.json, scenario.headers);
    return void streamText(response, scenario.sse, scenario.chunkBytes, scenario.cut === true);
  }
  if (scenario === 'echo') return echo(request.body, response);
  const error = errorStatus[scenario];
  if (error !== undefined) return sendJson(response, error.status, JSON.parse(readAnthropicFixture(`${scenario}.json`)), error.headers);
  if (scenario.startsWith('stream-')) return void streamText(response, readAnthropicFixture(`${scenario}.sse`), undefined, scenario === 'stream-cut');
  sendJson(response, 200, JSON.parse(readAnthropicFixture(`${scenario}.json`)));
}

function echo(body: Record<string, unknown>, response: ServerResponse): void {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: unknown; content?: unknown }>) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const text = `Echo: ${lastUser === undefined ? '' : textOf(lastUser.content)}`;
  const model = typeof body.model === 'string' ? body.model : 'claude-mock';
  const usage = { input_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 4 };
  if (body.stream !== true) {
    return sendJson(response, 200, {
      id: 'msg_echo',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage,
    });
  }
  const events: Array<[string, unknown]> = [
    ['message_start', { type: 'message_start', message: { id: 'msg_echo', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
    ['ping', { type: 'ping' }],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4 } }],
    ['message_stop', { type: 'message_stop' }],
  ];
  void streamText(response, events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join(''), undefined, false);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: unknown; text?: unknown }) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('');
}

/** Writes SSE text; with `chunkBytes`, in pieces that split events (and multi-byte characters) apart. */
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
  }
  else response.end();
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

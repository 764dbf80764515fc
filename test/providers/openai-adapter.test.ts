import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatRequest, type StreamEvent, type UpstreamTarget } from '../../src/core/index.js';
import { closeUpstreamPools } from '../../src/providers/http/index.js';
import { OpenAIAdapter } from '../../src/providers/openai/index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { gatewayErrorOf } from '../support/gateway-error-of.js';

const apiKey = 'sk-test-mock-secret-key-0123456789';
let mock: MockOpenAIUpstream;
const adapter = new OpenAIAdapter();

const target = (overrides: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  channelId: 'ch_1',
  channelName: 'openai-main',
  provider: 'openai',
  baseUrl: mock.url,
  apiKey,
  headers: { 'OpenAI-Organization': 'org-mock' },
  upstreamModel: 'gpt-4o-2024-08-06',
  timeoutMs: 5_000,
  ...overrides,
});

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-4o',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
  ...overrides,
});

const never = new AbortController().signal;

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

beforeAll(async () => {
  mock = await startMockOpenAIUpstream({ apiKey });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await closeUpstreamPools();
  await mock.close();
});

describe('OpenAIAdapter.chat', () => {
  it('sends the built body with credential and channel headers, and parses the echo', async () => {
    const response = await adapter.chat(request(), target(), never);
    expect(mock.requests).toHaveLength(1);
    const sent = mock.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.headers['openai-organization']).toBe('org-mock');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({ model: 'gpt-4o-2024-08-06', messages: [{ role: 'user', content: 'hello there' }] });
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    expect(response.usage).toMatchObject({ inputTokens: 3, outputTokens: 3, source: 'upstream' });
  });

  it('passes an OpenAI-dialect body through', async () => {
    const original = { model: 'gpt-4o', models: ['gpt-4o'], messages: [{ role: 'user', content: 'hi' }], store: false, verbosity: 'low' };
    await adapter.chat(request({ original: { dialect: 'openai-chat', body: original } }), target(), never);
    expect(mock.requests[0]?.body).toEqual({ model: 'gpt-4o-2024-08-06', messages: [{ role: 'user', content: 'hi' }], store: false, verbosity: 'low' });
  });

  it('parses a recorded completion', async () => {
    mock.setScenario('chat-completion-tool-calls');
    const response = await adapter.chat(request(), target(), never);
    expect(response.choices[0]?.content.map((part) => part.type)).toEqual(['tool_call', 'tool_call']);
    expect(response.usage?.reasoningTokens).toBe(256);
  });

  it.each([
    ['error-400', 'invalid_request', false, 400],
    ['error-401', 'upstream_error', true, 401],
    ['error-404-model', 'upstream_error', true, 404],
    ['error-429', 'upstream_error', true, 429],
    ['error-500', 'upstream_error', true, 500],
  ] as const)('maps %s to %s (retryElsewhere %s) without leaking the key', async (scenario, code, retryElsewhere, status) => {
    mock.setScenario(scenario);
    const error = await gatewayErrorOf(adapter.chat(request(), target(), never));
    expect(error.code).toBe(code);
    expect(error.retryElsewhere).toBe(retryElsewhere);
    expect(error.details.upstreamStatus).toBe(status);
    expect(error.message).not.toContain(apiKey);
    if (scenario === 'error-429') expect(error.details.retryAfterSeconds).toBe(2);
  });

  it('scrubs the key from an upstream message that echoes it', async () => {
    mock.setScenario({ status: 400, json: { error: { message: `You sent key ${apiKey}, which is malformed` } } });
    const error = await gatewayErrorOf(adapter.chat(request(), target(), never));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('You sent key [redacted], which is malformed');
  });

  it('times out as upstream_timeout', async () => {
    mock.setScenario('hang');
    const error = await gatewayErrorOf(adapter.chat(request(), target({ timeoutMs: 200 }), never));
    expect(error.code).toBe('upstream_timeout');
    expect(error.retryElsewhere).toBe(true);
    await expect(mock.responseClosed(0)).resolves.toEqual({ finished: false });
  });

  it('maps a refused connection to a retryable upstream_error', async () => {
    const error = await gatewayErrorOf(adapter.chat(request(), target({ baseUrl: 'http://127.0.0.1:9/v1' }), never));
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
  });

  it('stops the upstream request when the signal aborts', async () => {
    mock.setScenario('hang');
    const controller = new AbortController();
    const pending = adapter.chat(request(), target(), controller.signal);
    await waitFor(() => mock.requests.length === 1);
    controller.abort();
    const error = await gatewayErrorOf(pending);
    expect(error.retryElsewhere).toBe(false);
    await expect(mock.responseClosed(0)).resolves.toEqual({ finished: false });
  });

  it('refuses an already aborted signal without calling the upstream', async () => {
    const controller = new AbortController();
    controller.abort();
    await gatewayErrorOf(adapter.chat(request(), target(), controller.signal));
    expect(mock.requests).toHaveLength(0);
  });
});

describe('OpenAIAdapter.chatStream', () => {
  it('asks for usage and yields the recorded stream', async () => {
    mock.setScenario('chat-stream');
    const opened = await adapter.chatStream(request({ stream: true }), target(), never);
    const events = await collect(opened.events);
    expect(mock.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(mock.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(events[0]).toMatchObject({ type: 'start', model: 'gpt-4o-mini-2024-07-18' });
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe('Hello! How can I help you today?');
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 19, outputTokens: 10 } });
    expect(events.some((event) => event.type === 'error')).toBe(false);
  });

  it('reassembles split tool-call arguments from the wire', async () => {
    mock.setScenario('chat-stream-tool-calls');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    const args = (toolIndex: number) =>
      events.flatMap((event) => (event.type === 'tool-call-delta' && event.toolIndex === toolIndex ? [event.argumentsDelta] : [])).join('');
    expect(JSON.parse(args(0))).toEqual({ location: 'Paris, France' });
    expect(JSON.parse(args(1))).toEqual({ timezone: 'Europe/Paris' });
  });

  it('streams the default echo with usage', async () => {
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('')).toBe('Echo: hello there');
    expect(events.at(-1)).toMatchObject({ type: 'usage' });
  });

  it('ends a cut stream with one final error event', async () => {
    mock.setScenario('stream-cut');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(0);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') {
      expect(last.error.code).toBe('upstream_error');
      expect(last.error.message).toMatch(/before it was complete/);
    }
    expect(events.filter((event) => event.type === 'error')).toHaveLength(1);
  });

  it('ends with an error event when the upstream reports an error mid-stream', async () => {
    mock.setScenario('stream-error');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') expect(last.error.message).toContain('The server had an error');
  });

  it('rejects before the stream opens when the upstream answers with an error status', async () => {
    mock.setScenario('error-429');
    const error = await gatewayErrorOf(adapter.chatStream(request({ stream: true }), target(), never));
    expect(error.details.upstreamStatus).toBe(429);
  });

  it('times out when no headers come', async () => {
    mock.setScenario('hang');
    const error = await gatewayErrorOf(adapter.chatStream(request({ stream: true }), target({ timeoutMs: 200 }), never));
    expect(error.code).toBe('upstream_timeout');
  });

  it('ends with an upstream_timeout error event when the stream goes silent', async () => {
    const chunk = JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] });
    mock.setScenario({ sse: [chunk, chunk, '[DONE]'], intervalMs: 2_000 });
    const events = await collect((await adapter.chatStream(request({ stream: true }), target({ timeoutMs: 200 }), never)).events);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'error']);
    const last = events.at(-1);
    if (last?.type === 'error') expect(last.error.code).toBe('upstream_timeout');
  });

  it('ends quietly and closes the upstream connection when aborted mid-stream', async () => {
    mock.setScenario('slow-stream');
    const controller = new AbortController();
    const opened = await adapter.chatStream(request({ stream: true }), target(), controller.signal);
    const events: StreamEvent[] = [];
    for await (const event of opened.events) {
      events.push(event);
      if (events.length === 3) controller.abort();
    }
    expect(events.length).toBeLessThan(10);
    expect(events.some((event) => event.type === 'error')).toBe(false);
    await expect(mock.responseClosed(0)).resolves.toEqual({ finished: false });
  });

  it('closes the upstream connection when the consumer stops reading', async () => {
    mock.setScenario('slow-stream');
    const opened = await adapter.chatStream(request({ stream: true }), target(), never);
    for await (const event of opened.events) {
      if (event.type === 'text-delta') break;
    }
    await expect(mock.responseClosed(0)).resolves.toEqual({ finished: false });
  });

  it('keeps the connection open for reuse after a complete stream', async () => {
    await mock.close();
    mock = await startMockOpenAIUpstream({ apiKey });
    await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    await waitFor(() => mock.openConnections() === 1);
    // Settle: a connection closed after [DONE] would be gone by now.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(mock.openConnections()).toBe(1);
    await adapter.chat(request(), target(), never);
    expect(mock.requests[1]?.remotePort).toBe(mock.requests[0]?.remotePort);
  });
});

describe('OpenAIAdapter.embed', () => {
  it('posts to /embeddings and parses the answer', async () => {
    mock.setScenario('embeddings');
    const response = await adapter.embed!({ model: 'text-embedding-3-small', input: ['a', 'b'] }, target({ upstreamModel: 'text-embedding-3-small' }), never);
    expect(mock.requests[0]?.path).toBe('/v1/embeddings');
    expect(mock.requests[0]?.body).toEqual({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(response.data).toHaveLength(2);
    expect(response.usage).toEqual({ inputTokens: 8, source: 'upstream' });
  });

  it('returns base64 vectors from the echo when asked', async () => {
    const response = await adapter.embed!(
      { model: 'e', input: ['one two'], encodingFormat: 'base64', dimensions: 4 },
      target({ upstreamModel: 'e' }),
      never,
    );
    const embedding = response.data[0]?.embedding;
    expect(typeof embedding).toBe('string');
    expect(Buffer.from(embedding as string, 'base64').length).toBe(16);
    expect(response.usage.inputTokens).toBe(2);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(condition()).toBe(true);
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest, type StreamEvent, type UpstreamTarget } from '../../src/core/index.js';
import { anthropicProvider, AnthropicAdapter, anthropicMessagesUrl } from '../../src/providers/anthropic/index.js';
import { closeUpstreamPools } from '../../src/providers/http/index.js';
import { readAnthropicFixture, startMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { gatewayErrorOf } from '../support/gateway-error-of.js';

const apiKey = 'sk-ant-api03-mock-secret-0123456789';
let mock: MockAnthropicUpstream;
const adapter = new AnthropicAdapter();
const never = new AbortController().signal;

const target = (overrides: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  channelId: 'ch_1',
  channelName: 'anthropic-main',
  provider: 'anthropic',
  baseUrl: mock.url,
  apiKey,
  headers: {},
  upstreamModel: 'claude-sonnet-4-5-20250929',
  timeoutMs: 5_000,
  ...overrides,
});

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-sonnet-4-5',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
  ...overrides,
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

beforeAll(async () => {
  mock = await startMockAnthropicUpstream({ apiKey });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await closeUpstreamPools();
  await mock.close();
});

describe('anthropicProvider', () => {
  it('is registered as anthropic with its default base URL and key variable', () => {
    expect(anthropicProvider).toMatchObject({ id: 'anthropic', defaultBaseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' });
    expect(anthropicProvider.create().id).toBe('anthropic');
  });

  it('builds the Messages URL from a base with or without /v1', () => {
    expect(anthropicMessagesUrl(target({ baseUrl: '' }))).toBe('https://api.anthropic.com/v1/messages');
    expect(anthropicMessagesUrl(target({ baseUrl: 'https://gateway.example/anthropic/v1/' }))).toBe('https://gateway.example/anthropic/v1/messages');
  });
});

describe('AnthropicAdapter.chat', () => {
  it('posts the body with key, version and beta headers and parses the answer', async () => {
    const response = await adapter.chat(
      request({ original: { dialect: 'anthropic-messages', body: { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] }, headers: { 'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14' } } }),
      target({ headers: { 'anthropic-beta': 'context-1m-2025-08-07' } }),
      never,
    );
    const sent = mock.requests[0];
    expect(sent?.path).toBe('/v1/messages');
    expect(sent?.headers['x-api-key']).toBe(apiKey);
    expect(sent?.headers.authorization).toBeUndefined();
    expect(sent?.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent?.headers['anthropic-beta']).toBe('context-1m-2025-08-07,fine-grained-tool-streaming-2025-05-14');
    expect(sent?.body).toEqual({ model: 'claude-sonnet-4-5-20250929', max_tokens: 100, messages: [{ role: 'user', content: 'hello there' }] });
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    expect(response.usage?.inputTokens).toBe(10);
  });

  it('parses a recorded tool-use answer', async () => {
    mock.setScenario('message-thinking-tool-use');
    const response = await adapter.chat(request(), target(), never);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_use' });
    expect(response.choices[0]?.content.map((part) => part.type)).toEqual(['reasoning', 'reasoning', 'text', 'tool_call']);
  });

  it('maps 529 overloaded and 429 to retryable errors, 400 to a client error', async () => {
    mock.setScenario('error-529');
    const overloaded = await gatewayErrorOf(adapter.chat(request(), target(), never));
    expect(overloaded).toMatchObject({ code: 'upstream_error', retryElsewhere: true });
    expect(overloaded.details.upstreamStatus).toBe(529);

    mock.setScenario('error-429');
    const limited = await gatewayErrorOf(adapter.chat(request(), target(), never));
    expect(limited).toMatchObject({ code: 'upstream_error', retryElsewhere: true });
    expect(limited.details.retryAfterSeconds).toBe(3);

    mock.setScenario('error-400');
    const invalid = await gatewayErrorOf(adapter.chat(request(), target(), never));
    expect(invalid).toMatchObject({ code: 'invalid_request', status: 400, retryElsewhere: false });
    expect(invalid.message).toBe('messages: text content blocks must be non-empty');
  });

  it('does not reveal the credential when the upstream refuses it', async () => {
    const error = await gatewayErrorOf(adapter.chat(request(), target({ apiKey: 'sk-ant-wrong-key-987' }), never));
    expect(error.retryElsewhere).toBe(true);
    expect(error.message).not.toContain('sk-ant-wrong-key-987');
  });
});

describe('AnthropicAdapter.chatStream', () => {
  it('streams the echo with stream: true in the body', async () => {
    const opened = await adapter.chatStream(request({ stream: true }), target(), never);
    const events = await collect(opened.events);
    expect(mock.requests[0]?.body?.stream).toBe(true);
    expect(mock.requests[0]?.headers.accept).toBe('text/event-stream');
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish', 'usage']);
  });

  it('reads a tool-use stream written in 7-byte pieces exactly as when written at once', async () => {
    mock.setScenario('stream-tool-use');
    const whole = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    mock.setScenario({ sse: readAnthropicFixture('stream-tool-use.sse'), chunkBytes: 7 });
    const pieces = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(pieces).toEqual(whole);
    expect(whole.filter((event) => event.type === 'tool-call-start')).toHaveLength(2);
  });

  it('ends with usage then a retryable error when the upstream sends an overloaded event', async () => {
    mock.setScenario('stream-overloaded-error');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'usage', 'error']);
    const last = events.at(-1) as { error: GatewayError };
    expect(last.error.retryElsewhere).toBe(true);
  });

  it('ends with an error when the stream is cut before message_stop', async () => {
    mock.setScenario('stream-cut');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'usage', 'error']);
    expect(events[1]).toMatchObject({ type: 'text-delta', text: 'Partial answ' });
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect((last as { error: GatewayError }).error.code).toBe('upstream_error');
  });

  it('rejects before the stream opens on an overloaded status, so failover can happen', async () => {
    mock.setScenario('error-529');
    const error = await gatewayErrorOf(adapter.chatStream(request({ stream: true }), target(), never));
    expect(error.retryElsewhere).toBe(true);
  });
});

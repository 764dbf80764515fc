import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest, type StreamEvent, type UpstreamTarget } from '../../src/core/index.js';
import { closeUpstreamPools } from '../../src/providers/http/index.js';
import { OpenAIResponsesAdapter, openaiResponsesProvider, parseOpenAIResponsesResponse } from '../../src/providers/openai-responses/index.js';
import { readResponsesFixture, startMockOpenAIResponsesUpstream, type MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.js';

const apiKey = 'sk-proj-mock-secret-0123456789';
let mock: MockOpenAIResponsesUpstream;
const adapter = new OpenAIResponsesAdapter();
const never = new AbortController().signal;

const target = (): UpstreamTarget => ({
  channelId: 'ch_1',
  channelName: 'responses-main',
  provider: 'openai-responses',
  baseUrl: mock.url,
  apiKey,
  headers: {},
  upstreamModel: 'gpt-5-2025-08-07',
  timeoutMs: 5_000,
});

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-5',
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
  mock = await startMockOpenAIResponsesUpstream({ apiKey });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await closeUpstreamPools();
  await mock.close();
});

describe('openaiResponsesProvider', () => {
  it('is registered as openai-responses with OpenAI base URL and no key variable', () => {
    expect(openaiResponsesProvider).toMatchObject({ id: 'openai-responses', defaultBaseUrl: 'https://api.openai.com/v1' });
    expect(openaiResponsesProvider.apiKeyEnv).toBeUndefined();
    expect(openaiResponsesProvider.create().id).toBe('openai-responses');
  });
});

describe('parseOpenAIResponsesResponse', () => {
  it('parses reasoning, a function call and usage with cached and reasoning tokens', () => {
    const parsed = parseOpenAIResponsesResponse(JSON.parse(readResponsesFixture('response-function-call.json')));
    expect(parsed.upstreamId).toBe('resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b');
    expect(parsed.created).toBe(1741476542);
    expect(parsed.choices[0]?.content).toEqual([
      { type: 'reasoning', text: 'The user wants the weather.\n\nCalling the tool.', signature: 'gAAAAABoEnc0' },
      { type: 'tool_call', id: 'call_12345xyz', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
    ]);
    expect(parsed.choices[0]?.finishReason).toEqual({ unified: 'tool_calls', raw: 'function_call' });
    expect(parsed.usage).toEqual({ inputTokens: 291, cachedInputTokens: 128, cacheWriteTokens: 0, outputTokens: 151, reasoningTokens: 128, source: 'upstream' });
  });

  it('maps an incomplete answer to length', () => {
    const parsed = parseOpenAIResponsesResponse(JSON.parse(readResponsesFixture('response-incomplete.json')));
    expect(parsed.choices[0]?.finishReason).toEqual({ unified: 'length', raw: 'max_output_tokens' });
    expect(parsed.choices[0]?.content).toEqual([{ type: 'text', text: 'In a hole in the ground' }]);
  });

  it('turns a failed response into a retryable gateway error without the secret', () => {
    let caught: unknown;
    try {
      parseOpenAIResponsesResponse({ status: 'failed', output: [], error: { code: 'server_error', message: `boom ${apiKey}` } }, [apiKey]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).retryElsewhere).toBe(true);
    expect((caught as GatewayError).message).not.toContain(apiKey);
  });
});

describe('OpenAIResponsesAdapter over the mock upstream', () => {
  it('sends POST /v1/responses with bearer auth and parses the echo', async () => {
    const response = await adapter.chat(request(), target(), never);
    expect(response.choices[0]?.content).toEqual([{ type: 'text', text: 'Echo: hello there' }]);
    expect(response.usage?.inputTokens).toBe(10);
    expect(mock.requests[0]?.path).toBe('/v1/responses');
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(mock.requests[0]?.body).toMatchObject({ model: 'gpt-5-2025-08-07', store: false });
  });

  it('streams reasoning, function call arguments as they arrive, finish and usage', async () => {
    mock.setScenario('stream-function-call');
    const opened = await adapter.chatStream(request({ stream: true }), target(), never);
    const events = await collect(opened.events);
    expect(events).toEqual([
      { type: 'start', upstreamId: 'resp_68b2fc0de1a2', model: 'gpt-5-2025-08-07', created: 1756000000 },
      { type: 'reasoning-delta', choiceIndex: 0, text: 'Need the ' },
      { type: 'reasoning-delta', choiceIndex: 0, text: 'weather tool.' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'gAAAAABrs_sig' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'call_A1b2C3d4', name: 'get_weather' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"lo' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: 'cation":"Paris' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: ', France"}' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'function_call' } },
      { type: 'usage', usage: { inputTokens: 300, cachedInputTokens: 256, cacheWriteTokens: 0, outputTokens: 90, reasoningTokens: 64, source: 'upstream' } },
    ]);
    expect(mock.requests[0]?.body?.stream).toBe(true);
  });

  it('parses events split across small TCP packets', async () => {
    mock.setScenario({ sse: readResponsesFixture('stream-function-call.sse'), chunkBytes: 7 });
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    const argumentsText = events.map((event) => (event.type === 'tool-call-delta' ? event.argumentsDelta : '')).join('');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'Paris, France' });
    expect(events.at(-1)?.type).toBe('usage');
  });

  it('ends a failed stream with a retryable error event', async () => {
    mock.setScenario('stream-failed');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    expect(events.filter((event) => event.type === 'text-delta')).toHaveLength(1);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error.retryElsewhere).toBe(true);
    expect(last?.type === 'error' && last.error.message).toContain('server_error');
  });

  it('ends a cut stream with an upstream error', async () => {
    mock.setScenario('stream-cut');
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.message).toMatch(/closed the stream/);
  });

  it('maps an error event to a non-retryable error when the request is at fault', async () => {
    mock.setScenario({ sse: 'event: error\ndata: {"type":"error","code":"invalid_prompt","message":"bad prompt","param":null,"sequence_number":1}\n\n' });
    const events = await collect((await adapter.chatStream(request({ stream: true }), target(), never)).events);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.code).toBe('invalid_request');
    expect(last?.type === 'error' && last.error.retryElsewhere).toBe(false);
  });

  it('rejects a 429 as retryable with its retry-after', async () => {
    mock.setScenario('error-429');
    let caught: unknown;
    try {
      await adapter.chat(request(), target(), never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).retryElsewhere).toBe(true);
    expect((caught as GatewayError).details).toMatchObject({ upstreamStatus: 429, retryAfterSeconds: 2 });
  });

  it('rejects a 500 as retryable', async () => {
    mock.setScenario({ status: 500, json: { error: { message: 'server error', type: 'server_error', param: null, code: null } } });
    let caught: unknown;
    try {
      await adapter.chat(request(), target(), never);
    } catch (error) {
      caught = error;
    }
    expect((caught as GatewayError).retryElsewhere).toBe(true);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest, type ProviderDefinition, type StreamEvent, type UpstreamTarget } from '../../src/core/index.js';
import { deepseekProvider } from '../../src/providers/deepseek/index.js';
import { groqProvider } from '../../src/providers/groq/index.js';
import { closeUpstreamPools } from '../../src/providers/http/index.js';
import { mistralProvider } from '../../src/providers/mistral/index.js';
import { defineOpenAICompatibleProvider, openaiCompatibleProvider } from '../../src/providers/openai-compatible/index.js';
import { openaiProvider } from '../../src/providers/openai/index.js';
import { openrouterProvider } from '../../src/providers/openrouter/index.js';
import { togetherProvider } from '../../src/providers/togetherai/index.js';
import { xaiProvider } from '../../src/providers/xai/index.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let mock: MockOpenAIUpstream;
const never = new AbortController().signal;

const target = (overrides: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  channelId: 'ch',
  channelName: 'compat',
  provider: 'openai-compatible',
  baseUrl: mock.url,
  apiKey: 'compat-key-123456',
  headers: {},
  upstreamModel: 'served-model',
  timeoutMs: 5_000,
  ...overrides,
});

const request: ChatRequest = {
  model: 'm',
  stream: true,
  maxOutputTokens: 64,
  seed: 11,
  user: 'u-1',
  messages: [
    { role: 'developer', content: [{ type: 'text', text: 'Rules.' }] },
    { role: 'user', content: [{ type: 'text', text: 'ping' }] },
  ],
};

beforeAll(async () => {
  mock = await startMockOpenAIUpstream();
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await closeUpstreamPools();
  await mock.close();
});

describe('provider definitions', () => {
  it.each([
    [openaiProvider, 'openai', 'https://api.openai.com/v1', 'OPENAI_API_KEY'],
    [deepseekProvider, 'deepseek', 'https://api.deepseek.com/v1', 'DEEPSEEK_API_KEY'],
    [groqProvider, 'groq', 'https://api.groq.com/openai/v1', 'GROQ_API_KEY'],
    [xaiProvider, 'xai', 'https://api.x.ai/v1', 'XAI_API_KEY'],
    [mistralProvider, 'mistral', 'https://api.mistral.ai/v1', 'MISTRAL_API_KEY'],
    [openrouterProvider, 'openrouter', 'https://openrouter.ai/api/v1', 'OPENROUTER_API_KEY'],
    [togetherProvider, 'togetherai', 'https://api.together.ai/v1', 'TOGETHER_API_KEY'],
  ] as Array<[ProviderDefinition, string, string, string]>)('%#: %s', (definition, id, baseUrl, env) => {
    expect(definition.id).toBe(id);
    expect(definition.defaultBaseUrl).toBe(baseUrl);
    expect(definition.apiKeyEnv).toBe(env);
    expect(definition.create().id).toBe(id);
  });

  it('lets OPENAI_BASE_URL override the OpenAI base URL', () => {
    expect(openaiProvider.baseUrlEnv).toBe('OPENAI_BASE_URL');
  });

  it('leaves the generic compatible provider without a default base URL or key variable', () => {
    expect(openaiCompatibleProvider.id).toBe('openai-compatible');
    expect(openaiCompatibleProvider.defaultBaseUrl).toBeUndefined();
    expect(openaiCompatibleProvider.apiKeyEnv).toBeUndefined();
  });

  it('offers embeddings only where the provider has them', () => {
    expect(openaiProvider.create().embed).toBeTypeOf('function');
    expect(deepseekProvider.create().embed).toBeUndefined();
    expect(mistralProvider.create().embed).toBeTypeOf('function');
  });
});

describe('openai-compatible adapter', () => {
  it('sends the common compatible subset to the channel base URL with its headers', async () => {
    const adapter = openaiCompatibleProvider.create();
    await collect((await adapter.chatStream(request, target({ headers: { 'X-Tenant': 'acme' } }), never)).events);
    const sent = mock.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers['x-tenant']).toBe('acme');
    expect(sent.headers.authorization).toBe('Bearer compat-key-123456');
    expect(sent.body).toMatchObject({
      model: 'served-model',
      max_tokens: 64,
      seed: 11,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Rules.' },
        { role: 'user', content: 'ping' },
      ],
    });
  });

  it('refuses a target without a base URL', async () => {
    const adapter = openaiCompatibleProvider.create();
    await expect(adapter.chat({ ...request, stream: false }, target({ baseUrl: '' }), never)).rejects.toBeInstanceOf(GatewayError);
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses a base URL that is not an http(s) URL', async () => {
    const adapter = openaiCompatibleProvider.create();
    const attempt = adapter.chat({ ...request, stream: false }, target({ baseUrl: 'ftp://example.com/v1' }), never);
    await expect(attempt).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('sends no authorization header when the channel has no key', async () => {
    const adapter = openaiCompatibleProvider.create();
    await adapter.chat({ ...request, stream: false }, target({ apiKey: '' }), never);
    expect(mock.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('lets a definition add provider-wide headers', async () => {
    const definition = defineOpenAICompatibleProvider({ id: 'local', name: 'Local', headers: { 'X-Title': 'Switchyard' } });
    await definition.create().chat({ ...request, stream: false }, target(), never);
    expect(mock.requests[0]?.headers['x-title']).toBe('Switchyard');
  });
});

describe('mistral', () => {
  it('omits fields Mistral rejects and renames the seed', async () => {
    const adapter = mistralProvider.create();
    await collect((await adapter.chatStream(request, target(), never)).events);
    const body = mock.requests[0]!.body!;
    expect(body).not.toHaveProperty('stream_options');
    expect(body).not.toHaveProperty('user');
    expect(body).not.toHaveProperty('seed');
    expect(body.random_seed).toBe(11);
    expect(body.max_tokens).toBe(64);
  });

  it('still reports usage that arrives on the last content chunk without being asked', async () => {
    mock.setScenario({
      sse: [
        JSON.stringify({ id: 'm1', object: 'chat.completion.chunk', created: 1, model: 'mistral-small-latest', choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }] }),
        JSON.stringify({ id: 'm1', object: 'chat.completion.chunk', created: 1, model: 'mistral-small-latest', choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }], usage: { prompt_tokens: 7, total_tokens: 9, completion_tokens: 2 } }),
        '[DONE]',
      ],
    });
    const events = await collect((await mistralProvider.create().chatStream(request, target(), never)).events);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish', 'usage']);
    expect(events.at(-1)).toMatchObject({ usage: { inputTokens: 7, outputTokens: 2 } });
  });
});

describe('deepseek', () => {
  it('reads cache hits and reasoning from DeepSeek answers', async () => {
    mock.setScenario('chat-completion-deepseek');
    const response = await deepseekProvider.create().chat({ ...request, stream: false }, target(), never);
    expect(response.usage).toMatchObject({ inputTokens: 18, cachedInputTokens: 16, reasoningTokens: 395 });
    expect(response.choices[0]?.content[0]).toEqual({ type: 'reasoning', text: 'Compare the decimals: 0.11 is less than 0.80.' });
  });
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

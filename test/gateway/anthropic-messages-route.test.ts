import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let client: Anthropic;
let key: string;

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream({ apiKey: 'sk-upstream-secret' });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: openai
    provider: openai
    base_url: ${upstream.url}
    api_key: sk-upstream-secret
    models: [gpt-4o]
`,
  });
  ({ key } = await harness.createKey({ credit: '10' }));
  client = new Anthropic({ apiKey: key, baseURL: harness.url, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};

describe('/v1/messages with the demo provider', () => {
  it('answers a message with the echoed text, end_turn and a zero cost', async () => {
    const message = await client.messages.create({
      model: 'demo/echo',
      max_tokens: 100,
      system: 'You are a parrot.',
      messages: [{ role: 'user', content: 'Hello, Switchyard!' }],
    });
    expect(message.type).toBe('message');
    expect(message.role).toBe('assistant');
    expect(message.id).toMatch(/^gen-/);
    expect(message.model).toBe('demo/echo');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello, Switchyard!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect((message.usage as unknown as { cost: number }).cost).toBe(0);
  });

  it('streams the same text in the documented event order', async () => {
    const stream = client.messages.stream({ model: 'demo/echo', max_tokens: 100, messages: [{ role: 'user', content: 'one two three four' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'one two three four' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('accepts a bearer token, ?beta=true and Claude Code style fields', async () => {
    const bearer = new Anthropic({ authToken: key, apiKey: null, baseURL: harness.url, maxRetries: 0 });
    // Claude Code streams: the SDK refuses a non-streamed request this large.
    const stream = bearer.beta.messages.stream({
      model: 'demo/echo',
      max_tokens: 32000,
      betas: ['interleaved-thinking-2025-05-14', 'context-management-2025-06-27'],
      system: [
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'More rules.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ping', cache_control: { type: 'ephemeral' } }] }],
      tools: Array.from({ length: 24 }, (_, index) => ({ ...weatherTool, name: `tool_${index}` })),
      thinking: { type: 'enabled', budget_tokens: 10000 },
      metadata: { user_id: 'user_abc_account_def_session_ghi' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    } as Parameters<typeof bearer.beta.messages.stream>[0]);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'ping' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('counts prompt tokens', async () => {
    const short = await client.messages.countTokens({ model: 'demo/echo', messages: [{ role: 'user', content: 'Hi' }] });
    const long = await client.messages.countTokens({
      model: 'demo/echo',
      system: 'You are a helpful assistant with a long system prompt.',
      messages: [{ role: 'user', content: 'Hi there, please tell me about the weather in Paris today.' }],
      tools: [weatherTool],
    });
    expect(short.input_tokens).toBeGreaterThan(0);
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens);
  });

  it('answers errors in Anthropic envelope', async () => {
    const unauthenticated = new Anthropic({ apiKey: 'sk-wrong', baseURL: harness.url, maxRetries: 0 });
    const authError = await unauthenticated.messages.create({ model: 'demo/echo', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(authError).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((authError as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const invalid = await client.messages
      .create({ model: 'demo/echo', max_tokens: 1, messages: [{ role: 'robot' as 'user', content: 'x' }] })
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const unknown = await client.messages.create({ model: 'no-such-model-xyz', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect((unknown as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('/v1/messages with an OpenAI upstream', () => {
  it('returns tool_use blocks and exact usage for a non-streamed tool call', async () => {
    upstream.setScenario('chat-completion-tool-calls');
    const message = await client.messages.create({
      model: 'gpt-4o',
      max_tokens: 1024,
      system: 'Use tools.',
      tools: [weatherTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd', name: 'get_weather', input: { location: 'Paris, France' } },
      { type: 'tool_use', id: 'call_Jk3sYd0rW8h2Sg6c1UuQo5Lm', name: 'get_weather', input: { location: 'Tokyo, Japan' } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 82, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, output_tokens: 345 });

    const sent = upstream.requests[0]!.body!;
    expect(sent['messages']).toEqual([
      { role: 'system', content: 'Use tools.' },
      { role: 'user', content: 'Weather in Paris and Tokyo?' },
    ]);
    expect(sent['tools']).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Current weather in a city', parameters: weatherTool.input_schema } }]);
    expect(sent['tool_choice']).toBe('required');
    expect(sent['max_completion_tokens'] ?? sent['max_tokens']).toBe(1024);
  });

  it('streams tool arguments as they arrive and ends with the cached tokens split out', async () => {
    upstream.setScenario('chat-stream-tool-calls');
    const stream = client.messages.stream({ model: 'gpt-4o', max_tokens: 1024, tools: [weatherTool], messages: [{ role: 'user', content: 'Weather and time in Paris?' }] });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const message = await stream.finalMessage();
    expect(partials.length).toBeGreaterThan(2);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_dZbXQmJ3pLk9sYw2VcN8TgHr', name: 'get_weather', input: { location: 'Paris, France' } },
      { type: 'tool_use', id: 'call_Qe7RkLm2VbN4xZc8AsDf1GhJ', name: 'get_time', input: { timezone: 'Europe/Paris' } },
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 32, cache_read_input_tokens: 64, cache_creation_input_tokens: 0, output_tokens: 51 });
  });

  it('sends tool results back upstream with the same call ids', async () => {
    const message = await client.messages.create({
      model: 'gpt-4o',
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd', name: 'get_weather', input: { location: 'Paris' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd', content: 'Sunny, 21 degrees' },
            { type: 'text', text: 'And now summarise.' },
          ],
        },
      ],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    const sent = upstream.requests[0]!.body!['messages'] as Array<Record<string, unknown>>;
    expect(sent[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
    });
    expect(sent[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd' });
    expect(JSON.stringify(sent[2])).toContain('Sunny, 21 degrees');
    expect(sent[3]).toMatchObject({ role: 'user' });
  });

  it('ends a stream that fails mid-way with an error event the SDK raises', async () => {
    upstream.setScenario('stream-error');
    const stream = client.messages.stream({ model: 'gpt-4o', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const failure = await stream.finalMessage().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'api_error' } });
  });
});

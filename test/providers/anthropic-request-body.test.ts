import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '../../src/core/index.js';
import {
  anthropicRequestHeaders,
  buildAnthropicRequestBody,
  defaultAnthropicMaxTokens,
  parseAnthropicMessage,
} from '../../src/providers/anthropic/index.js';
import { readAnthropicFixture } from '../support/mock-anthropic-upstream.js';

const model = 'claude-sonnet-4-5-20250929';

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-sonnet-4-5',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, world' }] }],
  ...overrides,
});

/** A multi-turn, parallel tool-use conversation with every kind of content the adapter sends. */
const multiTurnToolRequest: ChatRequest = {
  model: 'claude-sonnet-4-5',
  stream: true,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'You are a weather assistant.', cacheControl: { type: 'ephemeral' } }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is the weather in San Francisco and what time is it there?' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { kind: 'url', url: 'https://upload.wikimedia.org/wikipedia/commons/a/a7/Camponotus_flavomarginatus_ant.jpg' }, detail: 'high' },
        { type: 'image', source: { kind: 'url', url: 'data:image/jpeg;base64,/9j/4AAQ' } },
      ],
    },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in one sentence.' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me check.' },
        { type: 'reasoning', text: 'I need both tools.', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
        { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3va3pzix' },
        { type: 'reasoning', text: 'thoughts of another vendor, unsigned' },
        { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA"}' },
        { type: 'tool_call', id: 'toolu_01Bq7ZhT8N3vJ9yLm2Qx5pWk', name: 'get_time', arguments: '' },
      ],
    },
    { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_01A09q90qw90lq917835lq9', content: [{ type: 'text', text: '15 degrees, cloudy' }] }] },
    {
      role: 'tool',
      content: [
        {
          type: 'tool_result',
          toolCallId: 'toolu_01Bq7ZhT8N3vJ9yLm2Qx5pWk',
          content: [{ type: 'text', text: 'unknown timezone' }],
          isError: true,
          cacheControl: { type: 'ephemeral', ttl: '1h' },
        },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'Thanks, and be brief.' }] },
  ],
  tools: [
    {
      name: 'get_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: { location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' } },
        required: ['location'],
      },
      strict: true,
    },
    { name: 'get_time', parameters: { type: 'object', properties: {} } },
  ],
  toolChoice: 'required',
  parallelToolCalls: false,
  stop: ['\n\nHuman:'],
  temperature: 1,
  topP: 0.9,
  maxOutputTokens: 16384,
  reasoning: { effort: 'medium' },
  user: 'user-42',
  seed: 7,
  presencePenalty: 0,
};

describe('buildAnthropicRequestBody', () => {
  it('matches the recorded Messages body for a multi-turn parallel tool conversation', () => {
    const body = buildAnthropicRequestBody(multiTurnToolRequest, model, true);
    expect(body).toEqual(JSON.parse(readAnthropicFixture('request-multi-turn-tools.expected.json')));
  });

  it('sends a single uncached system text as a string and defaults max_tokens', () => {
    const body = buildAnthropicRequestBody(
      request({ messages: [{ role: 'system', content: [{ type: 'text', text: 'Be terse.' }] }, ...request().messages] }),
      model,
      false,
    );
    expect(body).toEqual({
      model,
      max_tokens: defaultAnthropicMaxTokens,
      system: 'Be terse.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello, world' }] }],
    });
  });

  it('takes max_tokens from the options when the request has none, leaving room above a thinking budget', () => {
    expect(buildAnthropicRequestBody(request(), model, false, { defaultMaxTokens: 64000 }).max_tokens).toBe(64000);
    const body = buildAnthropicRequestBody(request({ reasoning: { effort: 'high' } }), model, false, { defaultMaxTokens: 4096 });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 24576 });
    expect(body.max_tokens).toBe(24576 + 4096);
  });

  it('maps every tool_choice', () => {
    const choice = (toolChoice: ChatRequest['toolChoice'], parallelToolCalls?: boolean) =>
      buildAnthropicRequestBody(request({ toolChoice, ...(parallelToolCalls === undefined ? {} : { parallelToolCalls }) }), model, false).tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice({ name: 'get_weather' })).toEqual({ type: 'tool', name: 'get_weather' });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice(undefined)).toBeUndefined();
  });

  it('uses an explicit thinking budget and refuses one that does not fit under max_tokens', () => {
    expect(buildAnthropicRequestBody(request({ reasoning: { budgetTokens: 3000 }, maxOutputTokens: 5000 }), model, false).thinking).toEqual({
      type: 'enabled',
      budget_tokens: 3000,
    });
    expect(() => buildAnthropicRequestBody(request({ reasoning: { budgetTokens: 6000 }, maxOutputTokens: 5000 }), model, false)).toThrow(
      GatewayError,
    );
  });

  it.each([
    ['n', { n: 2 }],
    ['logprobs', { logprobs: true }],
    ['response_format', { responseFormat: { type: 'json_object' as const } }],
    ['presence_penalty', { presencePenalty: 0.5 }],
    ['frequency_penalty', { frequencyPenalty: -1 }],
  ])('answers 400 naming %s, which Anthropic cannot express', (param, overrides) => {
    let caught: unknown;
    try {
      buildAnthropicRequestBody(request(overrides as Partial<ChatRequest>), model, false);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).status).toBe(400);
    expect((caught as GatewayError).details.param).toBe(param);
  });

  it('passes an Anthropic-dialect body through with only model and stream replaced', () => {
    const original = {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }],
      thinking: { type: 'enabled', budget_tokens: 31999 },
      context_management: { edits: [{ type: 'clear_thinking_20251015' }] },
      metadata: { user_id: 'user_abc' },
      top_k: 40,
      stream: true,
    };
    const streamed = buildAnthropicRequestBody(request({ original: { dialect: 'anthropic-messages', body: original } }), model, true);
    expect(streamed).toEqual({ ...original, model });
    const plain = buildAnthropicRequestBody(request({ original: { dialect: 'anthropic-messages', body: original } }), model, false);
    expect(plain).not.toHaveProperty('stream');
    expect(plain.top_k).toBe(40);
    expect(original.model).toBe('claude-sonnet-4-5');
  });

  it('does not pass a body of another dialect through', () => {
    const body = buildAnthropicRequestBody(request({ original: { dialect: 'openai-chat', body: { model: 'x', messages: [], logit_bias: {} } } }), model, false);
    expect(body).not.toHaveProperty('logit_bias');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hello, world' }] }]);
  });

  it('sends a parsed answer back in the next turn with thinking signatures and tool ids intact', () => {
    const answer = parseAnthropicMessage(JSON.parse(readAnthropicFixture('message-thinking-tool-use.json')));
    const nextTurn = request({
      messages: [
        ...request().messages,
        { role: 'assistant', content: answer.choices[0]?.content ?? [] },
        { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_01A09q90qw90lq917835lq9', content: [{ type: 'text', text: '15°C' }] }] },
      ],
    });
    const body = buildAnthropicRequestBody(nextTurn, model, false);
    const fixture = JSON.parse(readAnthropicFixture('message-thinking-tool-use.json')) as { content: unknown[] };
    expect((body.messages as Array<{ content: unknown }>)[1]).toEqual({ role: 'assistant', content: fixture.content });
  });
});

describe('anthropicRequestHeaders', () => {
  const target = {
    channelId: 'ch',
    channelName: 'claude',
    provider: 'anthropic',
    baseUrl: '',
    apiKey: 'sk-ant-secret',
    headers: { 'Anthropic-Beta': 'prompt-caching-2024-07-31' },
    upstreamModel: model,
    timeoutMs: 1000,
  };

  it('sends the key, the version and the channel beta list joined with the client beta list', () => {
    const headers = anthropicRequestHeaders(
      request({
        original: {
          dialect: 'anthropic-messages',
          body: {},
          headers: { 'anthropic-beta': 'claude-code-20250219, prompt-caching-2024-07-31,interleaved-thinking-2025-05-14' },
        },
      }),
      target,
      'application/json',
    );
    expect(headers).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'sk-ant-secret',
      'anthropic-beta': 'prompt-caching-2024-07-31,claude-code-20250219,interleaved-thinking-2025-05-14',
    });
  });

  it('ignores a beta header carried by another dialect', () => {
    const headers = anthropicRequestHeaders(
      request({ original: { dialect: 'openai-chat', body: {}, headers: { 'anthropic-beta': 'x' } } }),
      { ...target, headers: {} },
      'text/event-stream',
    );
    expect(headers).not.toHaveProperty('anthropic-beta');
  });
});

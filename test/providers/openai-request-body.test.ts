import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../src/core/index.js';
import { buildOpenAIChatBody } from '../../src/providers/openai/build-openai-chat-body.js';
import { buildOpenAIEmbeddingsBody } from '../../src/providers/openai/openai-embeddings.js';
import { compatibleDialectDefaults, openAIDialectDefaults } from '../../src/providers/openai/openai-dialect-options.js';

const fullRequest: ChatRequest = {
  model: 'gpt-4o',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
    {
      role: 'user',
      name: 'ada',
      content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'low' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'hidden thoughts' },
        { type: 'tool_call', id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'a cat' }] },
        { type: 'text', text: 'Thanks. Now describe it.' },
      ],
    },
    { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '42' }] }] },
  ],
  tools: [{ name: 'lookup', description: 'Look things up', parameters: { type: 'object', properties: {} }, strict: true }],
  toolChoice: { name: 'lookup' },
  parallelToolCalls: false,
  responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
  temperature: 0.2,
  topP: 0.9,
  stop: ['END'],
  maxOutputTokens: 300,
  n: 2,
  seed: 7,
  logprobs: true,
  topLogprobs: 3,
  presencePenalty: 0.1,
  frequencyPenalty: 0.3,
  user: 'user-1',
  reasoning: { effort: 'low' },
  fallbackModels: ['claude-sonnet-4-5'],
};

describe('buildOpenAIChatBody from the canonical request', () => {
  it('builds every field of the Chat Completions body', () => {
    const body = buildOpenAIChatBody(fullRequest, 'gpt-4o-2024-08-06', false, openAIDialectDefaults);
    expect(body).toEqual({
      model: 'gpt-4o-2024-08-06',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in French.' },
        {
          role: 'user',
          name: 'ada',
          content: [
            { type: 'text', text: 'What is in this image?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
        { role: 'user', content: 'Thanks. Now describe it.' },
        { role: 'tool', tool_call_id: 'call_2', content: '42' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'lookup', description: 'Look things up', parameters: { type: 'object', properties: {} }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      max_completion_tokens: 300,
      n: 2,
      seed: 7,
      logprobs: true,
      top_logprobs: 3,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      user: 'user-1',
      reasoning_effort: 'low',
    });
  });

  it('asks for the usage chunk when streaming', () => {
    const body = buildOpenAIChatBody({ ...fullRequest, stream: true }, 'gpt-4o', true, openAIDialectDefaults);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it('uses max_tokens, the system role and random_seed for servers that need them', () => {
    const body = buildOpenAIChatBody(fullRequest, 'm', false, {
      ...compatibleDialectDefaults,
      seedField: 'random_seed',
      unsupportedFields: ['user', 'logprobs', 'top_logprobs'],
    });
    expect(body.max_tokens).toBe(300);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.random_seed).toBe(7);
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('user');
    expect(body).not.toHaveProperty('logprobs');
    expect((body.messages as Array<{ role: string }>)[1]?.role).toBe('system');
  });

  it('moves images out of tool results into a following user message', () => {
    const body = buildOpenAIChatBody(
      {
        model: 'm',
        stream: false,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                toolCallId: 'call_9',
                content: [
                  { type: 'text', text: 'screenshot attached' },
                  { type: 'image', source: { kind: 'url', url: 'https://example.com/s.png' } },
                ],
              },
            ],
          },
        ],
      },
      'm',
      false,
      openAIDialectDefaults,
    );
    expect(body.messages).toEqual([
      { role: 'tool', tool_call_id: 'call_9', content: 'screenshot attached' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/s.png' } }] },
    ]);
  });
});

describe('buildOpenAIChatBody passthrough of an OpenAI-dialect request', () => {
  const original = {
    model: 'gpt-4o',
    models: ['gpt-4o', 'claude-sonnet-4-5'],
    messages: [
      { role: 'developer', content: 'Be terse.' },
      { role: 'user', content: 'hi' },
    ],
    stream: true,
    stream_options: { include_usage: false, include_obfuscation: false },
    max_completion_tokens: 50,
    seed: 3,
    prediction: { type: 'content', content: 'hello' },
    metadata: { trace: 'abc' },
  };
  const request: ChatRequest = {
    model: 'gpt-4o',
    stream: true,
    messages: [],
    original: { dialect: 'openai-chat', body: original },
  };

  it('keeps unknown fields, replaces the model, drops `models` and forces include_usage', () => {
    const body = buildOpenAIChatBody(request, 'gpt-4o-2024-08-06', true, openAIDialectDefaults);
    expect(body).toEqual({
      model: 'gpt-4o-2024-08-06',
      messages: original.messages,
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
      max_completion_tokens: 50,
      seed: 3,
      prediction: { type: 'content', content: 'hello' },
      metadata: { trace: 'abc' },
    });
    // The client's body is not modified.
    expect(original.models).toEqual(['gpt-4o', 'claude-sonnet-4-5']);
    expect(original.stream_options.include_usage).toBe(false);
  });

  it('removes stream fields for a non-streaming call', () => {
    const body = buildOpenAIChatBody(request, 'gpt-4o', false, openAIDialectDefaults);
    expect(body).not.toHaveProperty('stream');
    expect(body).not.toHaveProperty('stream_options');
  });

  it('renames fields for a stricter compatible server', () => {
    const body = buildOpenAIChatBody(request, 'mistral-large-latest', true, {
      ...compatibleDialectDefaults,
      streamOptions: false,
      seedField: 'random_seed',
    });
    expect(body).not.toHaveProperty('stream_options');
    expect(body.max_tokens).toBe(50);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.random_seed).toBe(3);
    expect((body.messages as Array<{ role: string }>)[0]).toEqual({ role: 'system', content: 'Be terse.' });
    expect(original.messages[0]?.role).toBe('developer');
  });
});

describe('buildOpenAIEmbeddingsBody', () => {
  it('passes the original body through with the upstream model', () => {
    const body = buildOpenAIEmbeddingsBody(
      {
        model: 'text-embedding-3-small',
        input: ['a'],
        original: { dialect: 'openai-chat', body: { model: 'text-embedding-3-small', input: 'a', models: ['x'], encoding_format: 'base64' } },
      },
      'text-embedding-3-small-v2',
    );
    expect(body).toEqual({ model: 'text-embedding-3-small-v2', input: 'a', encoding_format: 'base64' });
  });

  it('builds a body from the canonical request', () => {
    const body = buildOpenAIEmbeddingsBody(
      { model: 'e', input: ['a', 'b'], dimensions: 256, encodingFormat: 'float', user: 'u' },
      'e-up',
    );
    expect(body).toEqual({ model: 'e-up', input: ['a', 'b'], dimensions: 256, encoding_format: 'float', user: 'u' });
  });
});

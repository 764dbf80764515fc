import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { decodeChatRequest } from '../../../src/dialects/openai-chat/decode-chat-request.js';

function expectInvalid(body: unknown, param: string | null, message?: RegExp): GatewayError {
  let caught: unknown;
  try {
    decodeChatRequest(body);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GatewayError);
  const error = caught as GatewayError;
  expect(error.code).toBe('invalid_request');
  expect(error.status).toBe(400);
  expect(error.details.param).toBe(param);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

const minimal = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }] };

describe('decodeChatRequest: messages', () => {
  it('decodes a minimal request and keeps the body for passthrough', () => {
    const body = { ...minimal, vendor_extension: { keep: true } };
    const request = decodeChatRequest(body);
    expect(request).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      stream: false,
      original: { dialect: 'openai-chat', body },
    });
    expect(request.original?.body).toBe(body);
  });

  it('decodes system, developer and named messages, and text part arrays', () => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Rule one.' }, { type: 'text', text: 'Rule two.' }] },
        { role: 'user', content: 'Hi', name: 'alice' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      {
        role: 'developer',
        content: [
          { type: 'text', text: 'Rule one.' },
          { type: 'text', text: 'Rule two.' },
        ],
      },
      { role: 'user', name: 'alice', content: [{ type: 'text', text: 'Hi' }] },
    ]);
  });

  it('decodes image parts from links and base64 data URLs, with detail', () => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'high' } },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
            { type: 'image_url', image_url: 'https://example.com/dog.png' },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'high' },
      { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/dog.png' } },
    ]);
  });

  it('decodes assistant tool calls, tool results, refusals and reasoning', () => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'Two cities, two calls.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '9C' }] },
        { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Two cities, two calls.' },
          { type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'call_2', name: 'weather', arguments: '{"city":"Oslo"}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] }] },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '9C' }] }] },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot help with that.' }] },
    ]);
  });

  it('decodes legacy functions, function_call and function messages into tools', () => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, function_call: { name: 'weather', arguments: '{}' } },
        { role: 'function', name: 'weather', content: 'sunny' },
      ],
      functions: [{ name: 'weather', description: 'Look it up' }],
      function_call: { name: 'weather' },
    });
    expect(request.tools).toEqual([
      { name: 'weather', description: 'Look it up', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ name: 'weather' });
    const call = request.messages[1]?.content[0];
    const result = request.messages[2]?.content[0];
    expect(call).toMatchObject({ type: 'tool_call', name: 'weather', arguments: '{}' });
    expect(result).toMatchObject({ type: 'tool_result', content: [{ type: 'text', text: 'sunny' }] });
    expect(call?.type === 'tool_call' && result?.type === 'tool_result' && call.id === result.toolCallId).toBe(true);
    expect(request.messages[2]).toMatchObject({ role: 'tool', name: 'weather' });
  });
});

describe('decodeChatRequest: parameters', () => {
  it('decodes every sampling, tool and streaming parameter', () => {
    const request = decodeChatRequest({
      ...minimal,
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            description: 'Current weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true, description: 'The answer' },
      },
      temperature: 0.3,
      top_p: 0.9,
      stop: ['END', 'STOP'],
      max_tokens: 100,
      max_completion_tokens: 200,
      n: 2,
      seed: 42,
      logprobs: true,
      top_logprobs: 3,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      user: 'user-1',
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
      models: ['claude-sonnet-4-5', 'gpt-4o-mini'],
    });
    expect(request).toMatchObject({
      tools: [
        {
          name: 'weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      ],
      toolChoice: { name: 'weather' },
      parallelToolCalls: false,
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'The answer' },
      temperature: 0.3,
      topP: 0.9,
      stop: ['END', 'STOP'],
      maxOutputTokens: 200,
      n: 2,
      seed: 42,
      logprobs: true,
      topLogprobs: 3,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      user: 'user-1',
      reasoning: { effort: 'low' },
      stream: true,
      streamIncludeUsage: true,
      fallbackModels: ['claude-sonnet-4-5', 'gpt-4o-mini'],
    });
  });

  it('takes max_tokens when it is the only limit, and a single stop string as a list', () => {
    const request = decodeChatRequest({ ...minimal, max_tokens: 64, stop: 'END' });
    expect(request.maxOutputTokens).toBe(64);
    expect(request.stop).toEqual(['END']);
  });

  it('decodes the string tool choices and the simple response formats', () => {
    for (const choice of ['auto', 'none', 'required'] as const) {
      expect(decodeChatRequest({ ...minimal, tool_choice: choice }).toolChoice).toBe(choice);
    }
    expect(decodeChatRequest({ ...minimal, response_format: { type: 'json_object' } }).responseFormat).toEqual({
      type: 'json_object',
    });
    expect(decodeChatRequest({ ...minimal, response_format: { type: 'text' } }).responseFormat).toEqual({ type: 'text' });
  });

  it('treats explicit nulls as absent', () => {
    const request = decodeChatRequest({
      ...minimal,
      temperature: null,
      tools: null,
      tool_choice: null,
      stop: null,
      max_tokens: null,
      stream: null,
      stream_options: null,
    });
    expect(request.temperature).toBeUndefined();
    expect(request.tools).toBeUndefined();
    expect(request.stop).toBeUndefined();
    expect(request.maxOutputTokens).toBeUndefined();
    expect(request.stream).toBe(false);
  });
});

describe('decodeChatRequest: invalid input', () => {
  it('rejects a body that is not an object', () => {
    expectInvalid(null, null, /JSON object/);
    expectInvalid([minimal], null, /JSON object/);
    expectInvalid('hello', null, /JSON object/);
  });

  it('names a missing model or messages', () => {
    expectInvalid({ messages: minimal.messages }, 'model', /Missing required parameter: 'model'/);
    expectInvalid({ model: 'm' }, 'messages', /Missing required parameter: 'messages'/);
    expectInvalid({ model: '', messages: minimal.messages }, 'model', /must not be empty/);
  });

  it('rejects empty messages', () => {
    expectInvalid({ model: 'm', messages: [] }, 'messages', /at least 1/);
  });

  it('names the path of a wrongly typed field', () => {
    expectInvalid({ model: 7, messages: minimal.messages }, 'model', /expected a string, but got an integer/);
    expectInvalid({ ...minimal, temperature: 'hot' }, 'temperature', /expected a number, but got a string/);
    expectInvalid({ ...minimal, n: 1.5 }, 'n', /expected an integer/);
    expectInvalid({ ...minimal, stream: 'yes' }, 'stream');
    expectInvalid({ ...minimal, models: ['a', 3] }, 'models[1]');
    expectInvalid({ ...minimal, stop: 5 }, 'stop', /'stop': 5; expected a string or an array/);
    expectInvalid({ ...minimal, n: 0 }, 'n', /greater than 0/);
  });

  it('points into the messages array', () => {
    const messages = [
      { role: 'system', content: 'x' },
      { role: 'user', content: 'y' },
      { role: 'user', content: 12 },
    ];
    expectInvalid({ model: 'm', messages }, 'messages[2].content', /'messages\[2\]\.content': 12; expected a string or an array/);
    expectInvalid({ model: 'm', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role', /'wizard'.*'user'/);
    expectInvalid({ model: 'm', messages: [{ content: 'x' }] }, 'messages[0].role', /Missing required parameter/);
    expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 1 }] }] },
      'messages[0].content[0].text',
    );
    expectInvalid(
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
      'messages[0].content[0].type',
      /'input_audio'.*Supported values are: 'text', 'image_url'/,
    );
    expectInvalid({ model: 'm', messages: [{ role: 'tool', content: 'r' }] }, 'messages[0].tool_call_id', /Missing/);
    expectInvalid(
      { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'c', function: { name: 'f' } }] }] },
      'messages[0].tool_calls[0].function.arguments',
    );
  });

  it('rejects image data URLs that are not base64', () => {
    expectInvalid(
      {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }] }],
      },
      'messages[0].content[0].image_url.url',
      /not base64/,
    );
  });

  it('rejects bad tools, tool choices, response formats and enum values', () => {
    expectInvalid({ ...minimal, tools: [{ type: 'function', function: { description: 'x' } }] }, 'tools[0].function.name');
    expectInvalid({ ...minimal, tool_choice: 'sometimes' }, 'tool_choice', /'sometimes'; expected 'auto', 'none', 'required' or an object/);
    expectInvalid({ ...minimal, tool_choice: { type: 'function' } }, 'tool_choice.function', /Missing/);
    expectInvalid({ ...minimal, response_format: { type: 'yaml' } }, 'response_format.type');
    expectInvalid({ ...minimal, response_format: { type: 'json_schema', json_schema: {} } }, 'response_format.json_schema.name');
    expectInvalid({ ...minimal, reasoning_effort: 'extreme' }, 'reasoning_effort', /Supported values/);
    expectInvalid({ ...minimal, top_logprobs: 50 }, 'top_logprobs', /at most 20/);
  });
});

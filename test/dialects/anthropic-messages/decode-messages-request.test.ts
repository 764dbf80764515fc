import { describe, expect, it } from 'vitest';
import { decodeMessagesRequest } from '../../../src/dialects/anthropic-messages/decode-messages-request.js';
import { GatewayError } from '../../../src/core/gateway-error.js';

function decodeError(body: unknown): GatewayError {
  try {
    decodeMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeMessagesRequest', () => {
  it('decodes a string system prompt, sampling fields, stop sequences and metadata', () => {
    const request = decodeMessagesRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello, Claude' }],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['###'],
      metadata: { user_id: 'user-123' },
      stream: true,
    });
    expect(request).toMatchObject({
      model: 'claude-sonnet-4-5',
      maxOutputTokens: 1024,
      temperature: 0.5,
      topP: 0.9,
      stop: ['###'],
      user: 'user-123',
      stream: true,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are terse.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hello, Claude' }] },
      ],
    });
    expect(request.original?.dialect).toBe('anthropic-messages');
    expect(request.original?.body['top_k']).toBe(40);
  });

  it('keeps cache_control on system blocks, text and tool results, and accepts a system message among messages', () => {
    const request = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 32000,
      system: [
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Project rules.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: [
        { role: 'system', content: 'Extra system note.' },
        { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'You are Claude Code.', cacheControl: { type: 'ephemeral' } },
          { type: 'text', text: 'Project rules.', cacheControl: { type: 'ephemeral', ttl: '1h' } },
        ],
      },
      { role: 'system', content: [{ type: 'text', text: 'Extra system note.' }] },
      { role: 'user', content: [{ type: 'text', text: 'hi', cacheControl: { type: 'ephemeral' } }] },
    ]);
  });

  it('turns tool_use into tool calls and splits tool results out of the user turn, in order', () => {
    const request = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two lookups.', signature: 'sig-abc' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Looking up.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { location: 'Tokyo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '15 degrees' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [{ type: 'text', text: 'timeout' }],
            },
            { type: 'text', text: 'Summarise please.' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'Two lookups.', signature: 'sig-abc' },
          { type: 'reasoning', text: '', redacted: 'opaque' },
          { type: 'text', text: 'Looking up.' },
          { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
          { type: 'tool_call', id: 'toolu_2', name: 'get_weather', arguments: '{"location":"Tokyo"}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_1', content: [{ type: 'text', text: '15 degrees' }] }] },
      {
        role: 'tool',
        content: [{ type: 'tool_result', toolCallId: 'toolu_2', isError: true, content: [{ type: 'text', text: 'timeout' }] }],
      },
      { role: 'user', content: [{ type: 'text', text: 'Summarise please.' }] },
    ]);
  });

  it('decodes base64 and URL images', () => {
    const request = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('decodes client tools and tool_choice, leaving server tools out of the canonical request', () => {
    const request = decodeMessagesRequest({
      model: 'gpt-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather by city',
          input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
          cache_control: { type: 'ephemeral' },
        },
        { type: 'custom', name: 'noop', input_schema: { type: 'object', properties: {} } },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      ],
      tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true },
    });
    expect(request.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather by city',
        parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      },
      { name: 'noop', parameters: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ name: 'get_weather' });
    expect(request.parallelToolCalls).toBe(false);
  });

  it.each([
    [{ type: 'auto' }, 'auto'],
    [{ type: 'any' }, 'required'],
    [{ type: 'none' }, 'none'],
  ])('maps tool_choice %j to %j', (toolChoice, expected) => {
    const request = decodeMessagesRequest({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }], tool_choice: toolChoice });
    expect(request.toolChoice).toBe(expected);
    expect(request.parallelToolCalls).toBeUndefined();
  });

  it('maps an enabled thinking budget and output_config effort to reasoning options', () => {
    const budget = decodeMessagesRequest({
      model: 'm',
      max_tokens: 32000,
      messages: [{ role: 'user', content: 'x' }],
      thinking: { type: 'enabled', budget_tokens: 10000 },
    });
    expect(budget.reasoning).toEqual({ budgetTokens: 10000 });
    const adaptive = decodeMessagesRequest({
      model: 'm',
      max_tokens: 32000,
      messages: [{ role: 'user', content: 'x' }],
      thinking: { type: 'adaptive' },
      output_config: { effort: 'max' },
    });
    expect(adaptive.reasoning).toEqual({ effort: 'high' });
    const disabled = decodeMessagesRequest({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }], thinking: { type: 'disabled' } });
    expect(disabled.reasoning).toBeUndefined();
  });

  it('accepts fields it does not model and keeps them in original', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      max_tokens: 32000,
      messages: [{ role: 'user', content: 'x' }],
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      output_config: { effort: 'medium', format: { type: 'json_schema' } },
      container: 'c-1',
      service_tier: 'auto',
    };
    const request = decodeMessagesRequest(body);
    expect(request.original).toEqual({ dialect: 'anthropic-messages', body });
    expect(request.reasoning).toEqual({ effort: 'medium' });
  });

  it('rejects a wrong field with a 400 naming it', () => {
    const wrongRole = decodeError({ model: 'm', max_tokens: 1, messages: [{ role: 'robot', content: 'x' }] });
    expect(wrongRole.status).toBe(400);
    expect(wrongRole.details.param).toContain('messages[0].role');
    const noModel = decodeError({ max_tokens: 1, messages: [] });
    expect(noModel.details.param).toBe('model');
    const namelessToolChoice = decodeError({ model: 'm', max_tokens: 1, messages: [], tool_choice: { type: 'tool' } });
    expect(namelessToolChoice.details.param).toBe('tool_choice.name');
    expect(decodeError([1, 2]).code).toBe('invalid_request');
  });
});

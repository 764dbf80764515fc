import { describe, expect, it } from 'vitest';
import { encodeMessagesResponse } from '../../../src/dialects/anthropic-messages/encode-messages-response.js';
import { encodeAnthropicError } from '../../../src/dialects/anthropic-messages/encode-anthropic-error.js';
import { GatewayError } from '../../../src/core/gateway-error.js';

describe('encodeMessagesResponse', () => {
  it('encodes thinking, text and tool calls as Anthropic blocks with usage split out of the cache', () => {
    const message = encodeMessagesResponse(
      {
        model: 'o3-mini-2025-01-31',
        created: 1745678614,
        choices: [
          {
            index: 0,
            content: [
              { type: 'reasoning', text: 'Two cities.', signature: 'sig' },
              { type: 'reasoning', text: '', redacted: 'opaque' },
              { type: 'text', text: 'Checking both.' },
              { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
              { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: 'not json' },
            ],
            finishReason: { unified: 'tool_calls', raw: 'tool_calls' },
          },
        ],
        usage: { inputTokens: 82, cachedInputTokens: 32, cacheWriteTokens: 0, outputTokens: 345, reasoningTokens: 256, source: 'upstream' },
      },
      { id: 'gen-abc', model: 'gpt-5', costUsd: 0.0042 },
    );
    expect(message).toEqual({
      id: 'gen-abc',
      type: 'message',
      role: 'assistant',
      model: 'gpt-5',
      content: [
        { type: 'thinking', thinking: 'Two cities.', signature: 'sig' },
        { type: 'redacted_thinking', data: 'opaque' },
        { type: 'text', text: 'Checking both.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Paris, France' } },
        { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { _raw: 'not json' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 32, output_tokens: 345, cost: 0.0042 },
    });
  });

  it('answers a refusal as text with stop_reason refusal and zero usage when none was reported', () => {
    const message = encodeMessagesResponse(
      { model: 'm', created: 0, choices: [{ index: 0, content: [], finishReason: { unified: 'content_filter', raw: 'content_filter' }, refusal: 'I cannot help.' }] },
      { id: 'gen-1', model: 'm', costUsd: null },
    );
    expect(message.content).toEqual([{ type: 'text', text: 'I cannot help.' }]);
    expect(message.stop_reason).toBe('refusal');
    expect(message.usage).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });
});

describe('encodeAnthropicError', () => {
  it('uses Anthropic envelope types and sets retry-after on rate limits', () => {
    const limited = encodeAnthropicError(new GatewayError('rate_limit_exceeded', 'Slow down.'));
    expect(limited).toEqual({ status: 429, headers: { 'retry-after': '1' }, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Slow down.' } } });
    const waited = encodeAnthropicError(new GatewayError('rate_limit_exceeded', 'Slow down.', { retryAfterSeconds: 2.5 }));
    expect(waited.headers['retry-after']).toBe('3');
    const invalid = encodeAnthropicError(new GatewayError('invalid_request', 'Bad.'));
    expect(invalid.body.error.type).toBe('invalid_request_error');
    expect(invalid.headers).toEqual({});
  });
});

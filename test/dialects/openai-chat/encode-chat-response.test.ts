import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../../src/core/chat-response.js';
import { decodeChatRequest } from '../../../src/dialects/openai-chat/decode-chat-request.js';
import { encodeChatResponse, usesLegacyFunctions } from '../../../src/dialects/openai-chat/encode-chat-response.js';

const usage = {
  inputTokens: 120,
  cachedInputTokens: 100,
  cacheWriteTokens: 0,
  outputTokens: 50,
  reasoningTokens: 20,
  source: 'upstream' as const,
};

describe('encodeChatResponse', () => {
  it('encodes a text answer with usage, cost, fingerprint and service tier', () => {
    const response: ChatResponse = {
      upstreamId: 'chatcmpl-upstream',
      model: 'gpt-4o-2024-08-06',
      created: 1700000000,
      choices: [
        {
          index: 0,
          content: [
            { type: 'reasoning', text: 'Think.' },
            { type: 'text', text: 'Hello ' },
            { type: 'text', text: 'there.' },
          ],
          finishReason: { unified: 'stop', raw: 'stop' },
        },
      ],
      usage,
      systemFingerprint: 'fp_123',
      serviceTier: 'default',
    };
    expect(encodeChatResponse(response, { id: 'gen_abc', model: 'gpt-4o', costUsd: 0.00042 })).toEqual({
      id: 'gen_abc',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello there.',
            refusal: null,
            annotations: [],
            reasoning_content: 'Think.',
          },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 50,
        total_tokens: 170,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 20 },
        cost: 0.00042,
      },
      service_tier: 'default',
      system_fingerprint: 'fp_123',
    });
  });

  it('encodes tool calls with null content, and omits cost when unknown', () => {
    const encoded = encodeChatResponse(
      {
        model: 'm',
        created: 1,
        choices: [
          {
            index: 0,
            content: [
              { type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
              { type: 'tool_call', id: 'call_2', name: 'time', arguments: '{}' },
            ],
            finishReason: { unified: 'tool_calls', raw: 'tool_use' },
          },
        ],
        usage: { ...usage, cacheWriteTokens: 30 },
      },
      { id: 'gen_1', model: 'claude', costUsd: null },
    );
    expect(encoded.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      refusal: null,
      annotations: [],
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
      ],
    });
    expect(encoded.choices[0]?.finish_reason).toBe('tool_calls');
    expect(encoded.usage).not.toHaveProperty('cost');
    expect(encoded.usage.prompt_tokens_details).toEqual({ cached_tokens: 100, cache_write_tokens: 30 });
    expect(encoded).not.toHaveProperty('service_tier');
    expect(encoded).not.toHaveProperty('system_fingerprint');
  });

  it('maps finish reasons to OpenAI words', () => {
    const encode = (unified: 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'other', withTool = false) =>
      encodeChatResponse(
        {
          model: 'm',
          created: 1,
          choices: [
            {
              index: 0,
              content: withTool ? [{ type: 'tool_call', id: 'c', name: 'f', arguments: '{}' }] : [{ type: 'text', text: 'x' }],
              finishReason: { unified, raw: null },
            },
          ],
        },
        { id: 'g', model: 'm', costUsd: 0 },
      ).choices[0]?.finish_reason;
    expect(encode('stop')).toBe('stop');
    expect(encode('length')).toBe('length');
    expect(encode('tool_calls', true)).toBe('tool_calls');
    expect(encode('content_filter')).toBe('content_filter');
    expect(encode('error')).toBe('stop');
    expect(encode('other')).toBe('stop');
    // A provider that says "stop" after calling a tool still tells OpenAI clients to run it.
    expect(encode('stop', true)).toBe('tool_calls');
  });

  it('encodes refusals, logprobs, several choices and missing usage', () => {
    const logprobs = { content: [{ token: 'x', logprob: -0.1, bytes: [120], top_logprobs: [] }], refusal: null };
    const encoded = encodeChatResponse(
      {
        model: 'm',
        created: 1,
        choices: [
          { index: 0, content: [], refusal: 'No.', finishReason: { unified: 'stop', raw: 'stop' } },
          { index: 1, content: [{ type: 'text', text: 'x' }], logprobs, finishReason: { unified: 'length', raw: 'length' } },
          { index: 2, content: [], finishReason: { unified: 'stop', raw: 'stop' } },
        ],
      },
      { id: 'g', model: 'm', costUsd: 0 },
    );
    expect(encoded.choices[0]?.message).toMatchObject({ content: null, refusal: 'No.' });
    expect(encoded.choices[1]).toMatchObject({ index: 1, logprobs, finish_reason: 'length', message: { content: 'x' } });
    expect(encoded.choices[2]?.message.content).toBe('');
    expect(encoded.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 });
  });

  it('answers a legacy functions request with function_call', () => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      functions: [{ name: 'weather', parameters: { type: 'object' } }],
    });
    expect(usesLegacyFunctions(request)).toBe(true);
    expect(usesLegacyFunctions(decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }))).toBe(false);
    const encoded = encodeChatResponse(
      {
        model: 'm',
        created: 1,
        choices: [
          {
            index: 0,
            content: [{ type: 'tool_call', id: 'c', name: 'weather', arguments: '{}' }],
            finishReason: { unified: 'tool_calls', raw: null },
          },
        ],
      },
      { id: 'g', model: 'm', costUsd: null, legacyFunctions: true },
    );
    expect(encoded.choices[0]?.message.function_call).toEqual({ name: 'weather', arguments: '{}' });
    expect(encoded.choices[0]?.message).not.toHaveProperty('tool_calls');
    expect(encoded.choices[0]?.finish_reason).toBe('function_call');
  });
});

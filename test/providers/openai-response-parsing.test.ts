import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/index.js';
import { mapOpenAIFinishReason } from '../../src/providers/openai/map-openai-finish-reason.js';
import { parseOpenAIEmbeddingsResponse } from '../../src/providers/openai/openai-embeddings.js';
import { parseOpenAIChatResponse } from '../../src/providers/openai/parse-openai-chat-response.js';
import { parseOpenAIUsage } from '../../src/providers/openai/parse-openai-usage.js';
import { readOpenAIFixture } from '../support/mock-openai-upstream.js';

const fixture = (name: string): unknown => JSON.parse(readOpenAIFixture(name));

describe('parseOpenAIChatResponse', () => {
  it('parses a plain completion with cached-token usage', () => {
    expect(parseOpenAIChatResponse(fixture('chat-completion.json'))).toEqual({
      upstreamId: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      model: 'gpt-4o-2024-08-06',
      created: 1741570283,
      choices: [
        {
          index: 0,
          content: [{ type: 'text', text: 'The capital of France is Paris.' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          refusal: null,
        },
      ],
      usage: {
        inputTokens: 1117,
        cachedInputTokens: 1024,
        cacheWriteTokens: 0,
        outputTokens: 46,
        reasoningTokens: 0,
        source: 'upstream',
      },
      systemFingerprint: 'fp_fc9f1d7035',
      serviceTier: 'default',
    });
  });

  it('parses parallel tool calls and reasoning-token usage', () => {
    const response = parseOpenAIChatResponse(fixture('chat-completion-tool-calls.json'));
    expect(response.choices[0]?.content).toEqual([
      { type: 'tool_call', id: 'call_8ZyPGYvN7tVUmNmhN3fQXbCd', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
      { type: 'tool_call', id: 'call_Jk3sYd0rW8h2Sg6c1UuQo5Lm', name: 'get_weather', arguments: '{"location":"Tokyo, Japan"}' },
    ]);
    expect(response.choices[0]?.finishReason).toEqual({ unified: 'tool_calls', raw: 'tool_calls' });
    expect(response.usage).toMatchObject({ inputTokens: 82, outputTokens: 345, reasoningTokens: 256 });
  });

  it('passes refusal and logprobs through', () => {
    const choice = parseOpenAIChatResponse(fixture('chat-completion-refusal-logprobs.json')).choices[0];
    expect(choice?.refusal).toBe("I'm sorry, I can't help with that request.");
    expect(choice?.content).toEqual([]);
    expect(choice?.logprobs).toEqual({
      content: [{ token: "I'm", logprob: -0.0012, bytes: [73, 39, 109], top_logprobs: [] }],
      refusal: null,
    });
  });

  it('reads DeepSeek reasoning content and cache-hit tokens', () => {
    const response = parseOpenAIChatResponse(fixture('chat-completion-deepseek.json'));
    expect(response.choices[0]?.content).toEqual([
      { type: 'reasoning', text: 'Compare the decimals: 0.11 is less than 0.80.' },
      { type: 'text', text: '9.11 is smaller than 9.8.' },
    ]);
    expect(response.usage).toEqual({
      inputTokens: 18,
      cachedInputTokens: 16,
      cacheWriteTokens: 0,
      outputTokens: 420,
      reasoningTokens: 395,
      source: 'upstream',
    });
  });

  it('rejects a body without choices as an upstream error', () => {
    expect(() => parseOpenAIChatResponse({ id: 'x' })).toThrow(GatewayError);
  });
});

describe('parseOpenAIUsage', () => {
  it('returns undefined without usage', () => {
    expect(parseOpenAIUsage(null)).toBeUndefined();
    expect(parseOpenAIUsage(undefined)).toBeUndefined();
  });

  it('reads OpenRouter cache writes', () => {
    expect(
      parseOpenAIUsage({
        prompt_tokens: 194,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0 },
      }),
    ).toMatchObject({ inputTokens: 194, cachedInputTokens: 0, cacheWriteTokens: 100, outputTokens: 2 });
  });

  it('derives the prompt total from DeepSeek hit and miss counts when prompt_tokens is absent', () => {
    expect(parseOpenAIUsage({ prompt_cache_hit_tokens: 30, prompt_cache_miss_tokens: 12, completion_tokens: 5 })).toMatchObject({
      inputTokens: 42,
      cachedInputTokens: 30,
    });
  });
});

describe('mapOpenAIFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'],
    ['content_filter', 'content_filter'],
    ['insufficient_system_resource', 'error'],
    ['something_new', 'other'],
  ])('maps %s to %s and keeps the raw value', (raw, unified) => {
    expect(mapOpenAIFinishReason(raw)).toEqual({ unified, raw });
  });

  it('maps a missing reason to other with raw null', () => {
    expect(mapOpenAIFinishReason(null)).toEqual({ unified: 'other', raw: null });
  });
});

describe('parseOpenAIEmbeddingsResponse', () => {
  it('parses vectors and usage', () => {
    const response = parseOpenAIEmbeddingsResponse(fixture('embeddings.json'), 'fallback');
    expect(response.model).toBe('text-embedding-3-small');
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[0]?.embedding).toEqual([-0.006929283, -0.005336422, 0.024047505, -0.01407986]);
    expect(response.usage).toEqual({ inputTokens: 8, source: 'upstream' });
  });

  it('keeps base64 embeddings as strings', () => {
    const response = parseOpenAIEmbeddingsResponse(
      { data: [{ index: 0, embedding: 'AACAPw==' }], model: 'e', usage: { prompt_tokens: 1 } },
      'fallback',
    );
    expect(response.data[0]?.embedding).toBe('AACAPw==');
  });
});

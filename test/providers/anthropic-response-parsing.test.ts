import { describe, expect, it } from 'vitest';
import { GatewayError, type StreamEvent } from '../../src/core/index.js';
import {
  AnthropicStreamEventParser,
  mapAnthropicStopReason,
  parseAnthropicMessage,
  parseAnthropicUsage,
} from '../../src/providers/anthropic/index.js';
import { readAnthropicFixture } from '../support/mock-anthropic-upstream.js';

const fixedNow = () => 1_760_000_000_000;

/** The `data:` payloads of a recorded stream, in order. */
function sseData(name: string): unknown[] {
  return readAnthropicFixture(name)
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);
}

function parseStream(name: string): StreamEvent[] {
  const parser = new AnthropicStreamEventParser();
  return sseData(name).flatMap((event) => parser.parse(event as never));
}

describe('parseAnthropicMessage', () => {
  it('parses the documented text message', () => {
    expect(parseAnthropicMessage(JSON.parse(readAnthropicFixture('message.json')), fixedNow)).toEqual({
      upstreamId: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
      model: 'claude-sonnet-4-5-20250929',
      created: 1_760_000_000,
      choices: [{ index: 0, content: [{ type: 'text', text: 'Hi! My name is Claude.' }], finishReason: { unified: 'stop', raw: 'end_turn' } }],
      usage: { inputTokens: 2095, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 503, reasoningTokens: 0, source: 'upstream' },
    });
  });

  it('parses thinking with its signature, redacted thinking, text and a tool call', () => {
    const response = parseAnthropicMessage(JSON.parse(readAnthropicFixture('message-thinking-tool-use.json')), fixedNow);
    expect(response.choices[0]).toEqual({
      index: 0,
      content: [
        {
          type: 'reasoning',
          text: 'The user wants the weather in San Francisco. I should call get_weather.',
          signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
        },
        { type: 'reasoning', text: '', redacted: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
        { type: 'text', text: "I'll check the current weather in San Francisco for you." },
        { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"San Francisco, CA","unit":"celsius"}' },
      ],
      finishReason: { unified: 'tool_calls', raw: 'tool_use' },
    });
    // 21 uncached + 188086 written to cache: the canonical input counts both.
    expect(response.usage).toEqual({
      inputTokens: 188107,
      cachedInputTokens: 0,
      cacheWriteTokens: 188086,
      outputTokens: 393,
      reasoningTokens: 0,
      source: 'upstream',
    });
  });

  it('rejects a body that is not a message', () => {
    expect(() => parseAnthropicMessage({ type: 'error' })).toThrow(GatewayError);
  });
});

describe('parseAnthropicUsage', () => {
  it('adds cache reads and writes to the uncached input', () => {
    expect(parseAnthropicUsage({ input_tokens: 50, cache_read_input_tokens: 100_000, cache_creation_input_tokens: 2_000, output_tokens: 700 })).toEqual({
      inputTokens: 102_050,
      cachedInputTokens: 100_000,
      cacheWriteTokens: 2_000,
      outputTokens: 700,
      reasoningTokens: 0,
      source: 'upstream',
    });
    expect(parseAnthropicUsage(undefined)).toBeUndefined();
  });
});

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
    ['pause_turn', 'other'],
    ['something_new', 'other'],
  ])('%s becomes %s', (raw, unified) => {
    expect(mapAnthropicStopReason(raw)).toEqual({ unified, raw });
  });
});

describe('AnthropicStreamEventParser', () => {
  it('turns the documented text stream into canonical events, ping ignored', () => {
    expect(parseStream('stream-text.sse')).toEqual([
      { type: 'start', upstreamId: 'msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY', model: 'claude-sonnet-4-5-20250929' },
      { type: 'text-delta', choiceIndex: 0, text: 'Hello' },
      { type: 'text-delta', choiceIndex: 0, text: '!' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'end_turn' } },
      { type: 'usage', usage: { inputTokens: 25, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 15, reasoningTokens: 0, source: 'upstream' } },
    ]);
  });

  it('numbers parallel tool calls among tool calls and forwards argument pieces as they come', () => {
    expect(parseStream('stream-tool-use.sse')).toEqual([
      { type: 'start', upstreamId: 'msg_014p7gG3wDgGV9EUtLvnow3U', model: 'claude-sonnet-4-5-20250929' },
      { type: 'text-delta', choiceIndex: 0, text: 'Okay' },
      { type: 'text-delta', choiceIndex: 0, text: ", let's check the weather for San Francisco, CA:" },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"location":' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: ' "San Francisco, CA"}' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'toolu_01Bq7ZhT8N3vJ9yLm2Qx5pWk', name: 'get_time' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '{"timezone": "America/Los_Angeles"}' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'tool_use' } },
      { type: 'usage', usage: { inputTokens: 472, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 89, reasoningTokens: 0, source: 'upstream' } },
    ]);
  });

  it('passes thinking and its signature, and counts cache reads in the input', () => {
    const events = parseStream('stream-thinking.sse');
    expect(events.filter((event) => event.type === 'reasoning-delta')).toEqual([
      { type: 'reasoning-delta', choiceIndex: 0, text: 'Let me solve this step by step:\n\n1. First break down 27 * 453' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '\n2. 453 = 400 + 50 + 3' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds' },
    ]);
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { inputTokens: 2060, cachedInputTokens: 2048, cacheWriteTokens: 0, outputTokens: 57, reasoningTokens: 0, source: 'upstream' },
    });
  });

  it('turns an overloaded error event into a retryable upstream error', () => {
    const events = parseStream('stream-overloaded-error.sse');
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    const error = (last as { error: GatewayError }).error;
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
    expect(error.details.upstreamStatus).toBe(529);
    expect(error.message).toContain('Overloaded');
  });

  it('treats an invalid_request_error event as the client fault', () => {
    const parser = new AnthropicStreamEventParser(['sk-ant-secret']);
    const [event] = parser.parse({ type: 'error', error: { type: 'invalid_request_error', message: 'bad key sk-ant-secret' } });
    const error = (event as { error: GatewayError }).error;
    expect(error.code).toBe('invalid_request');
    expect(error.message).not.toContain('sk-ant-secret');
  });
});

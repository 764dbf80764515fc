import { describe, expect, it } from 'vitest';
import { MessagesStreamEncoder } from '../../../src/dialects/anthropic-messages/messages-stream-encoder.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import type { StreamEvent } from '../../../src/core/stream-event.js';
import type { Usage } from '../../../src/core/usage.js';

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Splits encoder output into events, checking each frame is `event:` + `data:` + blank line. */
function parseFrames(text: string): SseEvent[] {
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((frame) => {
      const match = /^event: ([a-z_]+)\ndata: (.+)$/.exec(frame);
      if (match === null) throw new Error(`malformed frame: ${frame}`);
      const data = JSON.parse(match[2]!) as Record<string, unknown>;
      expect(data['type']).toBe(match[1]);
      return { event: match[1]!, data };
    });
}

function run(events: StreamEvent[], usage?: Usage, cost: number | null = null): SseEvent[] {
  const encoder = new MessagesStreamEncoder({ id: 'gen-1', model: 'gpt-5', estimatedInputTokens: 12 });
  let output = '';
  for (const event of events) output += encoder.encode(event);
  output += encoder.finish(usage, cost);
  return parseFrames(output);
}

const usage: Usage = { inputTokens: 100, cachedInputTokens: 60, cacheWriteTokens: 10, outputTokens: 25, reasoningTokens: 5, source: 'upstream' };

describe('MessagesStreamEncoder', () => {
  it('writes the exact event sequence of a text answer', () => {
    const events = run(
      [
        { type: 'start', model: 'gpt-5-2025-08-07' },
        { type: 'text-delta', choiceIndex: 0, text: '' },
        { type: 'text-delta', choiceIndex: 0, text: 'Hello' },
        { type: 'text-delta', choiceIndex: 0, text: '!' },
        { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } },
        { type: 'usage', usage },
      ],
      undefined,
      0.0015,
    );
    expect(events).toEqual([
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: 'gen-1',
            type: 'message',
            role: 'assistant',
            model: 'gpt-5',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 },
          },
        },
      },
      { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
      { event: 'ping', data: { type: 'ping' } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } } },
      { event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: '!' } } },
      { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 25, cost: 0.0015 },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ]);
  });

  it('writes thinking with its signature, then text, then parallel tool calls as consecutive blocks', () => {
    const events = run(
      [
        { type: 'start' },
        { type: 'reasoning-delta', choiceIndex: 0, text: 'Let me think' },
        { type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'sig-1' },
        { type: 'text-delta', choiceIndex: 0, text: 'Checking.' },
        { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'call_a', name: 'get_weather' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"location":' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '"Paris"}' },
        { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'call_b', name: 'get_time' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '{}' },
        { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'tool_calls' } },
      ],
      usage,
    );
    expect(events.map((event) => [event.event, event.data['index'] ?? null])).toEqual([
      ['message_start', null],
      ['content_block_start', 0],
      ['ping', null],
      ['content_block_delta', 0],
      ['content_block_delta', 0],
      ['content_block_stop', 0],
      ['content_block_start', 1],
      ['content_block_delta', 1],
      ['content_block_stop', 1],
      ['content_block_start', 2],
      ['content_block_delta', 2],
      ['content_block_delta', 2],
      ['content_block_stop', 2],
      ['content_block_start', 3],
      ['content_block_delta', 3],
      ['content_block_stop', 3],
      ['message_delta', null],
      ['message_stop', null],
    ]);
    expect(events[1]!.data['content_block']).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(events[3]!.data['delta']).toEqual({ type: 'thinking_delta', thinking: 'Let me think' });
    expect(events[4]!.data['delta']).toEqual({ type: 'signature_delta', signature: 'sig-1' });
    expect(events[9]!.data['content_block']).toEqual({ type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} });
    expect(events[10]!.data['delta']).toEqual({ type: 'input_json_delta', partial_json: '{"location":' });
    expect(events[11]!.data['delta']).toEqual({ type: 'input_json_delta', partial_json: '"Paris"}' });
    expect(events[13]!.data['content_block']).toEqual({ type: 'tool_use', id: 'call_b', name: 'get_time', input: {} });
    expect(events[16]!.data['delta']).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    expect(events[16]!.data['usage']).toEqual({ input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 25 });
  });

  it('says tool_use when an upstream reported stop after calling tools, and max_tokens for length', () => {
    const toolEvents = run([
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'call_a', name: 'f' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } },
    ]);
    expect(toolEvents.at(-2)!.data['delta']).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    const lengthEvents = run([
      { type: 'text-delta', choiceIndex: 0, text: 'a' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'length', raw: 'length' } },
    ]);
    expect(lengthEvents.at(-2)!.data['delta']).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
    const anthropicRaw = run([{ type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop_sequence' } }]);
    expect(anthropicRaw.at(-2)!.data['delta']).toEqual({ stop_reason: 'stop_sequence', stop_sequence: null });
  });

  it('still writes a complete message when the upstream sent no start, no content and no finish', () => {
    const events = run([]);
    expect(events.map((event) => event.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(events[1]!.data['delta']).toEqual({ stop_reason: 'end_turn', stop_sequence: null });
    expect(events[1]!.data['usage']).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
  });

  it('ignores choices other than the first and deltas for a call whose block is already closed', () => {
    const events = run([
      { type: 'text-delta', choiceIndex: 1, text: 'other choice' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'a', name: 'f' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{}' },
    ]);
    expect(events.filter((event) => event.event === 'content_block_delta')).toEqual([]);
    expect(events.filter((event) => event.event === 'content_block_start')).toHaveLength(2);
  });

  it('ends with one error event in Anthropic envelope and writes nothing after it', () => {
    const encoder = new MessagesStreamEncoder({ id: 'gen-1', model: 'gpt-5' });
    let output = encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'Hi' });
    output += encoder.encode({ type: 'error', error: new GatewayError('no_available_channel', 'Overloaded.') });
    expect(encoder.isClosed).toBe(true);
    expect(encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'more' })).toBe('');
    expect(encoder.finish()).toBe('');
    const events = parseFrames(output);
    expect(events.map((event) => event.event)).toEqual(['message_start', 'content_block_start', 'ping', 'content_block_delta', 'error']);
    expect(events.at(-1)!.data).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded.' } });
  });

  it('uses the usage received in the stream when finish is given none', () => {
    const encoder = new MessagesStreamEncoder({ id: 'gen-1', model: 'gpt-5' });
    encoder.encode({ type: 'usage', usage });
    expect(encoder.usage).toBe(usage);
    const events = parseFrames(encoder.finish());
    expect(events.at(-2)!.data['usage']).toEqual({ input_tokens: 30, cache_creation_input_tokens: 10, cache_read_input_tokens: 60, output_tokens: 25 });
  });
});

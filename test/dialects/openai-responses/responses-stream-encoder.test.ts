import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { ResponsesStreamEncoder } from '../../../src/dialects/openai-responses/responses-stream-encoder.js';
import type { ResponseMeta } from '../../../src/dialects/openai-responses/responses-object.js';
import type { Usage } from '../../../src/core/usage.js';

interface ParsedEvent {
  event: string;
  data: Record<string, unknown>;
}

function parse(frames: string): ParsedEvent[] {
  return frames
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      const [eventLine, dataLine] = frame.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) as Record<string, unknown> };
    });
}

function meta(overrides: Partial<ResponseMeta> = {}): ResponseMeta {
  return {
    id: 'gen-abc',
    model: 'claude-sonnet-4-5',
    createdAt: 1_700_000_000,
    body: { model: 'claude-sonnet-4-5', input: 'hi' },
    reasoningSummary: null,
    includeEncryptedReasoning: false,
    ...overrides,
  };
}

const usage: Usage = { inputTokens: 100, cachedInputTokens: 40, cacheWriteTokens: 10, outputTokens: 30, reasoningTokens: 12, source: 'upstream' };

describe('ResponsesStreamEncoder', () => {
  it('writes the full event sequence for reasoning, text and a function call', () => {
    const encoder = new ResponsesStreamEncoder(meta({ includeEncryptedReasoning: true }));
    let frames = encoder.begin();
    frames += encoder.encode({ type: 'start', upstreamId: 'up-1' });
    frames += encoder.encode({ type: 'reasoning-delta', choiceIndex: 0, text: 'Think' });
    frames += encoder.encode({ type: 'reasoning-delta', choiceIndex: 0, text: 'ing' });
    frames += encoder.encode({ type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'sig-1' });
    frames += encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'Hel' });
    frames += encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'lo' });
    frames += encoder.encode({ type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'call_9', name: 'get_weather' });
    frames += encoder.encode({ type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"city":' });
    frames += encoder.encode({ type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '"Paris"}' });
    frames += encoder.encode({ type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'tool_use' } });
    frames += encoder.encode({ type: 'usage', usage });
    frames += encoder.finish(usage, 0.0012);
    const events = parse(frames);

    expect(events.map((event) => event.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    events.forEach((event, index) => {
      expect(event.data.type).toBe(event.event);
      expect(event.data.sequence_number).toBe(index);
    });

    const created = events[0]!.data.response as Record<string, unknown>;
    expect(created).toMatchObject({ id: 'gen-abc', object: 'response', status: 'in_progress', output: [], usage: null, model: 'claude-sonnet-4-5' });

    expect(events[2]!.data).toMatchObject({ output_index: 0, item: { type: 'reasoning', id: 'rs_abc_0', summary: [] } });
    expect(events[6]!.data).toMatchObject({ item_id: 'rs_abc_0', output_index: 0, summary_index: 0, text: 'Thinking' });
    expect(events[8]!.data.item).toEqual({
      type: 'reasoning',
      id: 'rs_abc_0',
      summary: [{ type: 'summary_text', text: 'Thinking' }],
      encrypted_content: 'sig-1',
    });

    expect(events[9]!.data.item).toEqual({ type: 'message', id: 'msg_abc_1', status: 'in_progress', role: 'assistant', content: [] });
    expect(events[10]!.data).toMatchObject({
      item_id: 'msg_abc_1',
      output_index: 1,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    expect(events[11]!.data).toMatchObject({ item_id: 'msg_abc_1', output_index: 1, content_index: 0, delta: 'Hel' });
    expect(events[13]!.data).toMatchObject({ text: 'Hello' });
    expect(events[15]!.data.item).toMatchObject({ status: 'completed', content: [{ type: 'output_text', text: 'Hello' }] });

    expect(events[16]!.data.item).toEqual({
      type: 'function_call',
      id: 'fc_abc_2',
      call_id: 'call_9',
      name: 'get_weather',
      arguments: '',
      status: 'in_progress',
    });
    expect(events[17]!.data).toMatchObject({ item_id: 'fc_abc_2', output_index: 2, delta: '{"city":' });
    expect(events[19]!.data).toMatchObject({ item_id: 'fc_abc_2', output_index: 2, name: 'get_weather', arguments: '{"city":"Paris"}' });

    const completed = events[21]!.data.response as Record<string, unknown>;
    expect(completed.status).toBe('completed');
    expect(completed.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 40, cache_write_tokens: 10 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 130,
      cost: 0.0012,
    });
    expect((completed.output as unknown[]).length).toBe(3);
    expect(encoder.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
  });

  it('reports a length stop as response.incomplete', () => {
    const encoder = new ResponsesStreamEncoder(meta());
    let frames = encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'cut' });
    frames += encoder.encode({ type: 'finish', choiceIndex: 0, finishReason: { unified: 'length', raw: 'max_tokens' } });
    frames += encoder.finish(undefined, null);
    const last = parse(frames).at(-1)!;
    expect(last.event).toBe('response.incomplete');
    expect(last.data.response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('closes the open item and sends response.failed on an error, then nothing more', () => {
    const encoder = new ResponsesStreamEncoder(meta());
    let frames = encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'partial' });
    frames += encoder.encode({ type: 'error', error: new GatewayError('upstream_error', 'The upstream stream failed.') });
    const events = parse(frames);
    expect(events.map((event) => event.event).slice(-2)).toEqual(['response.output_item.done', 'response.failed']);
    expect(events.at(-1)!.data.response).toMatchObject({
      status: 'failed',
      error: { code: 'upstream_error', message: 'The upstream stream failed.' },
      usage: null,
    });
    expect(encoder.finish()).toBe('');
    expect(encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'late' })).toBe('');
  });

  it('leaves out the signature unless the client included encrypted reasoning', () => {
    const encoder = new ResponsesStreamEncoder(meta());
    encoder.encode({ type: 'reasoning-delta', choiceIndex: 0, text: 'hmm', signature: 'sig' });
    const events = parse(encoder.finish());
    expect(events[0]!.event).toBe('response.reasoning_summary_text.done');
    const done = events.find((event) => event.event === 'response.output_item.done')!;
    expect(done.data.item).not.toHaveProperty('encrypted_content');
  });

  it('writes a refusal as its own content part', () => {
    const encoder = new ResponsesStreamEncoder(meta());
    const frames = encoder.encode({ type: 'refusal-delta', choiceIndex: 0, text: 'No.' }) + encoder.finish();
    const events = parse(frames);
    expect(events.map((event) => event.event)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[3]!.data.refusal).toBe('No.');
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import type { StreamEvent } from '../../../src/core/stream-event.js';
import type { Usage } from '../../../src/core/usage.js';
import { ChatStreamEncoder } from '../../../src/dialects/openai-chat/chat-stream-encoder.js';

const usage: Usage = {
  inputTokens: 10,
  cachedInputTokens: 4,
  cacheWriteTokens: 0,
  outputTokens: 7,
  reasoningTokens: 2,
  source: 'upstream',
};

/** Splits SSE output into the JSON payloads (and the literal `[DONE]`). */
function payloads(output: string): unknown[] {
  expect(output.endsWith('\n\n') || output === '').toBe(true);
  return output
    .split('\n\n')
    .filter((frame) => frame !== '')
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      const data = frame.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

function run(encoder: ChatStreamEncoder, events: StreamEvent[], costUsd: number | null = 0.001): unknown[] {
  let output = '';
  for (const event of events) output += encoder.encode(event);
  output += encoder.finish(undefined, costUsd);
  return payloads(output);
}

const header = { id: 'gen_1', object: 'chat.completion.chunk', created: 1700000000, model: 'gpt-4o' };

describe('ChatStreamEncoder', () => {
  it('streams text exactly as OpenAI does, with a usage chunk when asked', () => {
    const encoder = new ChatStreamEncoder({ id: 'gen_1', model: 'gpt-4o', created: 1700000000, includeUsage: true });
    const chunks = run(encoder, [
      { type: 'start', upstreamId: 'up', systemFingerprint: 'fp_1' },
      { type: 'text-delta', choiceIndex: 0, text: 'Hel' },
      { type: 'text-delta', choiceIndex: 0, text: 'lo "x"' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'end_turn' } },
      { type: 'usage', usage },
    ]);
    const withFingerprint = { ...header, system_fingerprint: 'fp_1' };
    expect(chunks).toEqual([
      {
        ...withFingerprint,
        choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }],
        usage: null,
      },
      { ...withFingerprint, choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }], usage: null },
      { ...withFingerprint, choices: [{ index: 0, delta: { content: 'lo "x"' }, logprobs: null, finish_reason: null }], usage: null },
      { ...withFingerprint, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null },
      {
        ...withFingerprint,
        choices: [],
        usage: {
          prompt_tokens: 10,
          completion_tokens: 7,
          total_tokens: 17,
          prompt_tokens_details: { cached_tokens: 4 },
          completion_tokens_details: { reasoning_tokens: 2 },
          cost: 0.001,
        },
      },
      '[DONE]',
    ]);
    expect(encoder.usage).toEqual(usage);
    expect(encoder.isClosed).toBe(true);
  });

  it('sends no usage field and no usage chunk when usage was not asked for', () => {
    const encoder = new ChatStreamEncoder({ id: 'gen_1', model: 'gpt-4o', created: 1700000000, includeUsage: false });
    const chunks = run(encoder, [
      { type: 'text-delta', choiceIndex: 0, text: 'Hi' },
      { type: 'usage', usage },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'length', raw: 'max_tokens' } },
    ]);
    expect(chunks).toEqual([
      { ...header, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }] },
      { ...header, choices: [{ index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null }] },
      { ...header, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }] },
      '[DONE]',
    ]);
  });

  it('streams parallel tool calls: name first, then argument pieces by index', () => {
    const encoder = new ChatStreamEncoder({ id: 'gen_1', model: 'gpt-4o', created: 1700000000, includeUsage: false });
    const chunks = run(encoder, [
      // Upstream tool indexes need not be dense (Anthropic counts content blocks); OpenAI's are.
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'call_a', name: 'weather' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '{"city":' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 2, id: 'call_b', name: 'time' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 2, argumentsDelta: '{}' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'tool_use' } },
    ]) as Array<{ choices: Array<{ delta: unknown; finish_reason: unknown }> }>;
    expect(chunks.slice(1, 6).map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'time', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
    ]);
    expect(chunks[6]?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams reasoning, refusal and logprobs deltas, and several choices', () => {
    const encoder = new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: false });
    const logprobs = { content: [{ token: 'a', logprob: -1, bytes: [97], top_logprobs: [] }] };
    const chunks = run(encoder, [
      { type: 'reasoning-delta', choiceIndex: 0, text: 'hmm' },
      { type: 'refusal-delta', choiceIndex: 1, text: 'No.' },
      { type: 'logprobs', choiceIndex: 0, logprobs },
      { type: 'finish', choiceIndex: 1, finishReason: { unified: 'stop', raw: 'stop' } },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'content_filter', raw: 'SAFETY' } },
    ]) as Array<{ choices: unknown[] }>;
    expect(chunks.slice(0, -1).map((chunk) => chunk.choices[0])).toEqual([
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
      { index: 0, delta: { reasoning_content: 'hmm' }, logprobs: null, finish_reason: null },
      { index: 1, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
      { index: 1, delta: { refusal: 'No.' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs, finish_reason: null },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'stop' },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'content_filter' },
    ]);
  });

  it('closes an unfinished choice and answers an empty stream with an empty message', () => {
    const unfinished = run(new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: false }), [
      { type: 'text-delta', choiceIndex: 0, text: 'cut' },
    ]) as Array<{ choices: Array<{ finish_reason: unknown }> }>;
    expect(unfinished[2]?.choices[0]?.finish_reason).toBe('stop');
    expect(unfinished[3]).toBe('[DONE]');
    const empty = run(new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: false }), []);
    expect(empty).toHaveLength(3);
    expect(empty[0]).toMatchObject({ choices: [{ delta: { role: 'assistant' } }] });
    expect(empty[1]).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
  });

  it('uses the usage passed to finish over the one received, and omits cost when unknown', () => {
    const encoder = new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: true });
    encoder.encode({ type: 'usage', usage });
    encoder.encode({ type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: null } });
    const estimated: Usage = { ...usage, inputTokens: 99, source: 'estimated' };
    const chunks = payloads(encoder.finish(estimated, null)) as Array<{ usage: Record<string, unknown> }>;
    expect(chunks[0]?.usage.prompt_tokens).toBe(99);
    expect(chunks[0]?.usage).not.toHaveProperty('cost');
    expect(encoder.finish(usage, 1)).toBe('');
  });

  it('ends with one error frame, no [DONE], and ignores events after it', () => {
    const encoder = new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: true });
    encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'partial' });
    const error = new GatewayError('upstream_error', 'Upstream returned 500.', { upstreamStatus: 500 });
    expect(payloads(encoder.encode({ type: 'error', error }))).toEqual([
      { error: { message: 'Upstream returned 500.', type: 'upstream_error', param: null, code: 'upstream_error' } },
    ]);
    expect(encoder.isClosed).toBe(true);
    expect(encoder.encode({ type: 'text-delta', choiceIndex: 0, text: 'more' })).toBe('');
    expect(encoder.finish(usage, 0.1)).toBe('');
  });

  it('streams legacy function_call deltas for a functions request', () => {
    const encoder = new ChatStreamEncoder({ id: 'g', model: 'm', created: 1, includeUsage: false, legacyFunctions: true });
    const chunks = run(encoder, [
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'c', name: 'weather' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{}' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: null } },
    ]) as Array<{ choices: Array<{ delta: unknown; finish_reason: unknown }> }>;
    expect(chunks[1]?.choices[0]?.delta).toEqual({ function_call: { name: 'weather', arguments: '' } });
    expect(chunks[2]?.choices[0]?.delta).toEqual({ function_call: { arguments: '{}' } });
    expect(chunks[3]?.choices[0]?.finish_reason).toBe('function_call');
  });
});

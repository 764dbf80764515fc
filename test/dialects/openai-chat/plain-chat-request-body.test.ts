import { describe, expect, it } from 'vitest';
import { openaiChatRequestSchema } from '../../../src/dialects/openai-chat/chat-request-schema.js';
import { decodeChatRequest, decodeChatRequestWithSchema } from '../../../src/dialects/openai-chat/decode-chat-request.js';
import { isPlainChatRequestBody } from '../../../src/dialects/openai-chat/plain-chat-request-body.js';

/** A small seeded generator, so that a failure names a body that can be made again. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

// Values of every kind, valid for some fields and not for others.
const VALUES: unknown[] = [
  null, true, false, 0, -0, 1, 2, 20, 21, -1, 0.5, 1.5, 2 ** 53, -(2 ** 53), 1e300,
  '', 'x', 'auto', 'low', 'high', 'minimal', 'user', [], ['a'], ['a', ''], [1], {}, { include_usage: true },
  { include_usage: null }, { include_usage: 'yes' }, { include_usage: true, extra: 1 }, [{ type: 'text', text: 'hi' }],
];

const FIELDS = [
  'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'max_tokens', 'max_completion_tokens', 'n',
  'seed', 'top_logprobs', 'logprobs', 'parallel_tool_calls', 'stream', 'user', 'reasoning_effort', 'stop',
  'stream_options', 'models', 'tools', 'tool_choice', 'functions', 'function_call', 'response_format',
  'vendor_extension',
];

const ROLES: unknown[] = ['system', 'developer', 'user', 'assistant', 'tool', 'function', 'robot', 1];
const CONTENTS: unknown[] = ['Hello', '', null, 7, [{ type: 'text', text: 'part' }], { text: 'no' }];

// A value each field takes in a valid body, so that many generated bodies are plain.
const VALID: Record<string, unknown> = {
  temperature: 0.7, top_p: 1, presence_penalty: 0, frequency_penalty: -0.5, max_tokens: 16,
  max_completion_tokens: 32, n: 1, seed: -3, top_logprobs: 0, logprobs: false, parallel_tool_calls: true,
  stream: true, user: 'u', reasoning_effort: 'low', stop: 'END', stream_options: { include_usage: false },
  models: ['other'], vendor_extension: { nested: [1] },
};

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function randomMessage(random: () => number): unknown {
  if (random() < 0.05) return pick(random, [null, 'text', [], 3]);
  const message: Record<string, unknown> = { role: random() < 0.9 ? pick(random, ROLES.slice(0, 4)) : pick(random, ROLES) };
  if (random() < 0.97) message.content = random() < 0.9 ? 'Hello there' : pick(random, CONTENTS);
  if (random() < 0.2) message.name = pick(random, ['alice', null, 3, '']);
  if (random() < 0.03) message.tool_call_id = 'call_1';
  if (random() < 0.03) message.refusal = 'no';
  return message;
}

function randomBody(random: () => number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (random() < 0.97) body.model = random() < 0.95 ? 'gpt-4o' : pick(random, ['', 5, null]);
  if (random() < 0.95) {
    const count = random() < 0.03 ? 0 : 1 + Math.floor(random() * 3);
    body.messages = Array.from({ length: count }, () => randomMessage(random));
  }
  const validOnly = random() < 0.5;
  for (const field of FIELDS) {
    if (random() >= 0.12) continue;
    body[field] = field in VALID && (validOnly || random() < 0.5) ? VALID[field] : pick(random, VALUES);
  }
  return body;
}

function outcome(decode: () => unknown): { value?: unknown; error?: unknown } {
  try {
    return { value: decode() };
  } catch (error) {
    return { error: { name: (error as Error).name, message: (error as Error).message } };
  }
}

describe('isPlainChatRequestBody', () => {
  it('accepts only bodies the schema accepts, and they decode to the same request', () => {
    const random = randomSource(20261127);
    let plain = 0;
    let notPlain = 0;
    for (let index = 0; index < 20_000; index += 1) {
      const body = randomBody(random);
      if (isPlainChatRequestBody(body)) {
        plain += 1;
        expect(openaiChatRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
      } else {
        notPlain += 1;
      }
      // Both paths, whichever decodeChatRequest takes: the same request or the same error.
      expect(outcome(() => decodeChatRequest(body)), JSON.stringify(body)).toEqual(outcome(() => decodeChatRequestWithSchema(body)));
    }
    // The generator must exercise both sides, or the test proves nothing.
    expect(plain).toBeGreaterThan(1_000);
    expect(notPlain).toBeGreaterThan(1_000);
  });

  it('takes the plain path for the bodies clients send most', () => {
    expect(isPlainChatRequestBody({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] })).toBe(true);
    expect(
      isPlainChatRequestBody({
        model: 'm',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi', name: 'alice' },
          { role: 'assistant', content: null },
        ],
        max_tokens: 16,
        temperature: 0.2,
        stream: true,
        stream_options: { include_usage: true },
        stop: ['\n'],
        vendor_extension: { anything: [1, 2] },
      }),
    ).toBe(true);
  });

  it('leaves to the schema what it does not recognise', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'Hi' }] };
    expect(isPlainChatRequestBody({ ...base, tools: [] })).toBe(false);
    expect(isPlainChatRequestBody({ ...base, max_tokens: 0 })).toBe(false);
    expect(isPlainChatRequestBody({ ...base, max_tokens: 1.5 })).toBe(false);
    expect(isPlainChatRequestBody({ ...base, top_logprobs: 21 })).toBe(false);
    expect(isPlainChatRequestBody({ model: 'm', messages: [] })).toBe(false);
    expect(isPlainChatRequestBody({ model: '', messages: base.messages })).toBe(false);
    expect(isPlainChatRequestBody({ messages: base.messages })).toBe(false);
    expect(isPlainChatRequestBody({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] })).toBe(false);
    expect(isPlainChatRequestBody({ model: 'm', messages: [{ role: 'user', content: 'Hi', extra: 1 }] })).toBe(false);
    expect(isPlainChatRequestBody({ model: 'm', messages: [{ role: 'tool', content: 'Hi', tool_call_id: 'c' }] })).toBe(false);
  });

  it('copies the arrays it decodes, so that the request and the kept body never share one', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'Hi' }], stop: ['a'], models: ['b'] };
    const request = decodeChatRequest(body);
    expect(request.stop).toEqual(['a']);
    expect(request.stop).not.toBe(body.stop);
    expect(request.fallbackModels).not.toBe(body.models);
  });
});

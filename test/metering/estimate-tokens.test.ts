import { describe, expect, it } from 'vitest';
import type { ChatRequest, Message } from '../../src/core/chat-request.js';
import {
  countTextTokens,
  estimatePromptTokens,
  IMAGE_TOKENS_DEFAULT,
  IMAGE_TOKENS_LOW_DETAIL,
} from '../../src/metering/estimate-tokens.js';
import { StreamUsageCounter } from '../../src/metering/stream-usage-counter.js';

function request(messages: Message[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4o', messages, stream: true, ...extra };
}

function userText(text: string): Message {
  return { role: 'user', content: [{ type: 'text', text }] };
}

describe('countTextTokens (o200k_base)', () => {
  it('counts known strings', () => {
    expect(countTextTokens('Hello, world!')).toBe(4);
    expect(countTextTokens('The quick brown fox jumps over the lazy dog.')).toBe(10);
    expect(countTextTokens('')).toBe(0);
  });

  it('counts special-token lookalikes from clients as plain text instead of throwing', () => {
    expect(countTextTokens('a <|endoftext|> b')).toBeGreaterThan(3);
  });
});

describe('estimatePromptTokens', () => {
  it('adds the chat framing: 3 per message, the role, and 3 to prime the reply', () => {
    // 3 (message) + 1 ("user") + 4 ("Hello, world!") + 3 (reply priming).
    expect(estimatePromptTokens(request([userText('Hello, world!')]))).toBe(11);
  });

  it('adds 1 plus the name for a named message', () => {
    const named: Message = { ...userText('Hello, world!'), name: 'alice' };
    expect(estimatePromptTokens(request([named]))).toBe(11 + 1 + countTextTokens('alice'));
  });

  it('counts images with the fixed estimate', () => {
    const withImages: Message = {
      role: 'user',
      content: [
        { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' }, detail: 'low' },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/b.png' } },
      ],
    };
    expect(estimatePromptTokens(request([withImages]))).toBe(3 + 1 + 3 + IMAGE_TOKENS_LOW_DETAIL + IMAGE_TOKENS_DEFAULT);
  });

  it('counts tool calls and tool results in the history', () => {
    const call: Message = {
      role: 'assistant',
      content: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
    };
    const result: Message = {
      role: 'tool',
      content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny, 21°C' }] }],
    };
    const expected =
      3 +
      3 +
      countTextTokens('assistant') +
      countTextTokens('get_weather') +
      countTextTokens('{"city":"Paris"}') +
      3 +
      countTextTokens('tool') +
      countTextTokens('sunny, 21°C');
    expect(estimatePromptTokens(request([call, result]))).toBe(expected);
  });

  it('counts tool definitions the way OpenAI renders functions', () => {
    const base = estimatePromptTokens(request([userText('What is the weather in Paris?')]));
    const withTool = estimatePromptTokens(
      request([userText('What is the weather in Paris?')], {
        tools: [
          {
            name: 'get_current_weather',
            description: 'Get the current weather in a given location.',
            parameters: {
              type: 'object',
              properties: {
                location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
                unit: { type: 'string', description: 'The unit of temperature', enum: ['celsius', 'fahrenheit'] },
              },
              required: ['location'],
            },
          },
        ],
      }),
    );
    const expectedToolTokens =
      7 +
      countTextTokens('get_current_weather:Get the current weather in a given location') +
      3 +
      (3 + countTextTokens('location:string:The city and state, e.g. San Francisco, CA')) +
      (3 + countTextTokens('unit:string:The unit of temperature') - 3 + 3 + countTextTokens('celsius') + 3 + countTextTokens('fahrenheit')) +
      12;
    expect(withTool - base).toBe(expectedToolTokens);
  });
});

describe('StreamUsageCounter', () => {
  const prompt = request([userText('Hello, world!')]);

  it('estimates output across delta boundaries when no usage arrives', () => {
    const counter = new StreamUsageCounter(prompt);
    for (const text of ['Hel', 'lo, wor', 'ld!']) counter.observe({ type: 'text-delta', choiceIndex: 0, text });
    expect(counter.producedOutput).toBe(true);
    expect(counter.finish()).toEqual({
      inputTokens: 11,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 4,
      reasoningTokens: 0,
      source: 'estimated',
    });
  });

  it('counts streamed reasoning as reasoning inside output, and tool calls as output', () => {
    const counter = new StreamUsageCounter(null, { promptTokens: 42 });
    counter.observe({ type: 'reasoning-delta', choiceIndex: 0, text: 'The quick brown fox jumps over the lazy dog.' });
    counter.observe({ type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'c1', name: 'lookup' });
    counter.observe({ type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{"q":' });
    counter.observe({ type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '"fox"}' });
    const usage = counter.finish();
    expect(usage.inputTokens).toBe(42);
    expect(usage.reasoningTokens).toBe(10);
    expect(usage.outputTokens).toBe(10 + countTextTokens('lookup{"q":"fox"}'));
    expect(usage.source).toBe('estimated');
  });

  it('returns the upstream usage when one arrived (the last one wins)', () => {
    const counter = new StreamUsageCounter(prompt);
    counter.observe({ type: 'text-delta', choiceIndex: 0, text: 'Hello' });
    const first = { inputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0, source: 'upstream' as const };
    counter.observe({ type: 'usage', usage: first });
    counter.observe({ type: 'usage', usage: { ...first, outputTokens: 2 } });
    expect(counter.finish()).toEqual({ ...first, outputTokens: 2 });
  });

  it('counts a long stream the same as the whole text', () => {
    const counter = new StreamUsageCounter(null, { promptTokens: 0 });
    const piece = 'hello world, this is a fairly long streamed answer.\n';
    let whole = '';
    for (let index = 0; index < 3000; index += 1) {
      counter.observe({ type: 'text-delta', choiceIndex: 0, text: piece });
      whole += piece;
    }
    expect(whole.length).toBeGreaterThan(64 * 1024);
    expect(counter.finish().outputTokens).toBe(countTextTokens(whole));
  });

  it('reports no output for an empty stream', () => {
    const counter = new StreamUsageCounter(prompt);
    expect(counter.producedOutput).toBe(false);
    expect(counter.finish().outputTokens).toBe(0);
  });
});

describe('StreamUsageCounter on text without spaces', () => {
  it('keeps counting a long unspaced stream close to the whole-text count', () => {
    const counter = new StreamUsageCounter(null, { promptTokens: 0 });
    const piece = '这是一个很长的没有空格的流式回答。';
    let whole = '';
    for (let index = 0; index < 20_000; index += 1) {
      counter.observe({ type: 'text-delta', choiceIndex: 0, text: piece });
      whole += piece;
    }
    const exact = countTextTokens(whole);
    const counted = counter.finish().outputTokens;
    expect(Math.abs(counted - exact)).toBeLessThanOrEqual(5);
  });
});

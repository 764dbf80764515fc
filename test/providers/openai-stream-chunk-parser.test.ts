import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/core/index.js';
import { OpenAIStreamChunkParser } from '../../src/providers/openai/openai-stream-chunk-parser.js';
import { readOpenAIFixture, splitSseEvents } from '../support/mock-openai-upstream.js';

function parseFixture(name: string): StreamEvent[] {
  const parser = new OpenAIStreamChunkParser();
  const events: StreamEvent[] = [];
  for (const payload of splitSseEvents(readOpenAIFixture(name))) {
    if (payload === '[DONE]') {
      events.push(...parser.end());
      break;
    }
    events.push(...parser.parse(JSON.parse(payload)));
  }
  return events;
}

describe('OpenAIStreamChunkParser', () => {
  it('turns a text stream into start, deltas, finish and one usage event', () => {
    const events = parseFixture('chat-stream-with-usage.sse');
    expect(events[0]).toEqual({
      type: 'start',
      upstreamId: 'chatcmpl-C1pOgZ5yQhY8mT0sWdNeVb3Kx7LrA',
      model: 'gpt-4o-mini-2024-07-18',
      created: 1754560000,
      systemFingerprint: 'fp_34a54ae93c',
    });
    const text = events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');
    expect(text).toBe('Hello! How can I help you today?');
    expect(events.filter((event) => event.type === 'start')).toHaveLength(1);
    expect(events.at(-2)).toEqual({ type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } });
    expect(events.at(-1)).toEqual({
      type: 'usage',
      usage: { inputTokens: 19, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0, source: 'upstream' },
    });
  });

  it('reassembles parallel tool calls whose arguments arrive in pieces', () => {
    const events = parseFixture('chat-stream-parallel-tool-calls.sse');
    const starts = events.filter((event) => event.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'call_dZbXQmJ3pLk9sYw2VcN8TgHr', name: 'get_weather' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'call_Qe7RkLm2VbN4xZc8AsDf1GhJ', name: 'get_time' },
    ]);
    const argumentsOf = (toolIndex: number) =>
      events
        .flatMap((event) => (event.type === 'tool-call-delta' && event.toolIndex === toolIndex ? [event.argumentsDelta] : []))
        .join('');
    expect(JSON.parse(argumentsOf(0))).toEqual({ location: 'Paris, France' });
    expect(JSON.parse(argumentsOf(1))).toEqual({ timezone: 'Europe/Paris' });
    expect(events.find((event) => event.type === 'finish')).toEqual({
      type: 'finish',
      choiceIndex: 0,
      finishReason: { unified: 'tool_calls', raw: 'tool_calls' },
    });
    expect(events.at(-1)).toMatchObject({ type: 'usage', usage: { inputTokens: 96, cachedInputTokens: 64, outputTokens: 51 } });
  });

  it('emits refusal, reasoning and logprobs deltas per choice', () => {
    const parser = new OpenAIStreamChunkParser();
    const events = parser.parse({
      id: 'c',
      choices: [
        { index: 0, delta: { refusal: 'No.' }, logprobs: { content: [{ token: 'No', logprob: -0.1 }] }, finish_reason: null },
        { index: 1, delta: { reasoning_content: 'thinking' }, finish_reason: 'length' },
      ],
    });
    expect(events.slice(1)).toEqual([
      { type: 'refusal-delta', choiceIndex: 0, text: 'No.' },
      { type: 'logprobs', choiceIndex: 0, logprobs: { content: [{ token: 'No', logprob: -0.1 }] } },
      { type: 'reasoning-delta', choiceIndex: 1, text: 'thinking' },
      { type: 'finish', choiceIndex: 1, finishReason: { unified: 'length', raw: 'length' } },
    ]);
  });

  it('reports usage once, the last value, when a server repeats it', () => {
    const parser = new OpenAIStreamChunkParser();
    parser.parse({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } });
    parser.parse({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 9 } });
    expect(parser.end()).toEqual([
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 5, outputTokens: 9 }) },
    ]);
  });

  it('accepts whole tool calls without index from compatible servers', () => {
    const parser = new OpenAIStreamChunkParser();
    const events = parser.parse({
      choices: [{ index: 0, delta: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{}' } }, { id: 'b', function: { name: 'g', arguments: '{"x":1}' } }] } }],
    });
    expect(events.slice(1)).toEqual([
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 0, id: 'a', name: 'f' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 0, argumentsDelta: '{}' },
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'b', name: 'g' },
      { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '{"x":1}' },
    ]);
  });
});

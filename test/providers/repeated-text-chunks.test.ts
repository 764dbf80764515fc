import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../../src/core/index.js';
import { AnthropicStreamEventParser } from '../../src/providers/anthropic/anthropic-stream-event-parser.js';
import { readAnthropicEventStream } from '../../src/providers/anthropic/read-anthropic-event-stream.js';
import { readJsonEventStream, type OpenedUpstreamResponse } from '../../src/providers/http/index.js';
import { OpenAIStreamChunkParser } from '../../src/providers/openai/openai-stream-chunk-parser.js';
import { readOpenAIEventStream } from '../../src/providers/openai/read-openai-event-stream.js';
import type { OpenAIChatCompletionWire } from '../../src/providers/openai/openai-wire-types.js';
import { openedOver } from '../support/opened-upstream-response.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');
type StreamReader = (opened: OpenedUpstreamResponse, secrets: readonly string[]) => AsyncIterable<StreamEvent>;

/** The data lines of a stream, `[DONE]` left out. */
const dataLines = (sse: string): string[] =>
  sse
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => line.slice('data: '.length));

/** Anthropic's reader with every event parsed: the reference its stream must match, error and owed usage included. */
const readAnthropicParsingAll: StreamReader = (opened) =>
  readJsonEventStream(opened, Object.assign(new AnthropicStreamEventParser(), { readRepeated: () => undefined }));

/** What the chunks mean, each parsed whole: the reference the stream reader must match. */
function parsedWhole(sse: string): StreamEvent[] {
  const parser = new OpenAIStreamChunkParser();
  const events = dataLines(sse).flatMap((data) => parser.parse(JSON.parse(data) as OpenAIChatCompletionWire));
  return [...events, ...parser.end()];
}

async function readThroughGateway(sse: string, read: StreamReader = readOpenAIEventStream): Promise<{ events: StreamEvent[]; parsedLines: number }> {
  const parse = vi.spyOn(JSON, 'parse');
  const body = new PassThrough();
  const events: StreamEvent[] = [];
  const reading = (async () => {
    for await (const event of read(openedOver(body), [])) events.push(event);
  })();
  // Split at odd places, so that frames also arrive in pieces.
  const bytes = Buffer.from(sse);
  for (let offset = 0; offset < bytes.length; offset += 97) body.write(bytes.subarray(offset, offset + 97));
  body.end();
  await reading;
  const parsedLines = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.startsWith('{')).length;
  parse.mockRestore();
  return { events, parsedLines };
}

const line = (chunk: Record<string, unknown>): string => `data: ${JSON.stringify(chunk)}\n\n`;
const textChunk = (content: unknown, extra: Record<string, unknown> = {}, index = 0): Record<string, unknown> => ({
  id: 'chatcmpl-7',
  object: 'chat.completion.chunk',
  created: 1_754_560_000,
  model: 'served-model',
  choices: [{ index, delta: { content }, logprobs: null, finish_reason: null }],
  ...extra,
});

describe('OpenAI stream chunks that repeat their framing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('give the events their parsing would, while most are read without parsing', async () => {
    const texts = ['Hello', ', "quoted"', ' back\\slash', '\nnew line', ' é😀', '', ' \u2028', ' end'];
    const sse =
      line({ ...textChunk(''), choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] }) +
      texts.map((text) => line(textChunk(text))).join('') +
      line({ ...textChunk(null), choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }) +
      line({ ...textChunk(null), choices: [], usage: { prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 } }) +
      'data: [DONE]\n\n';
    const { events, parsedLines } = await readThroughGateway(sse);
    expect(events).toEqual(parsedWhole(sse));
    expect(events.filter((event) => event.type === 'text-delta').map((event) => event.type === 'text-delta' && event.text)).toEqual(
      texts.filter((text) => text !== ''),
    );
    // The role chunk, the first text (learned from), the empty one, the finish and the usage.
    expect(parsedLines).toBeLessThanOrEqual(5);
  });

  it('read OpenAI chunks through their changing padding, and recorded streams as parsed whole', async () => {
    for (const name of ['chat-stream-with-usage.sse', 'chat-stream-parallel-tool-calls.sse', 'chat-stream-cut.sse', 'chat-stream-error.sse']) {
      const sse = fixture(`openai/${name}`);
      const { events, parsedLines } = await readThroughGateway(sse);
      const expected = parsedWhole(sse);
      // A recorded error chunk or a cut ends in an error event that parsing chunk by chunk does not make.
      expect(events.filter((event) => event.type !== 'error')).toEqual(expected.filter((event) => event.type !== 'error'));
      if (name === 'chat-stream-with-usage.sse') expect(parsedLines).toBeLessThan(dataLines(sse).length - 3);
    }
  });

  it('keep interleaved choices, tool calls, usage and finishes apart', async () => {
    const usage = (completion: number) => ({ prompt_tokens: 1, completion_tokens: completion, total_tokens: 1 + completion });
    const streams = [
      line(textChunk('')) +
        line(textChunk('a0', {}, 0)) +
        line(textChunk('b0', {}, 1)) +
        line(textChunk('a1', {}, 0)) +
        line(textChunk('b1', {}, 1)) +
        line(textChunk('b2', {}, 1)) +
        line({ ...textChunk(null), choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{' } }] }, finish_reason: null }] }) +
        line(textChunk('after the call')) +
        line(textChunk('c', { id: 'chatcmpl-other' })) +
        line(textChunk('d', { id: 'chatcmpl-other' })),
      // A running total that goes back to an earlier value must be read again, not skipped.
      line(textChunk('')) +
        line(textChunk('x', { usage: usage(1) })) +
        line({ ...textChunk(null), choices: [], usage: usage(2) }) +
        line(textChunk('y', { usage: usage(1) })),
      line(textChunk('')) +
        line(textChunk('g', { x_groq: { usage: usage(1) } })) +
        line({ ...textChunk(null), choices: [], x_groq: { usage: usage(2) } }) +
        line(textChunk('h', { x_groq: { usage: usage(1) } })),
      // A text that comes with its finish must finish each time.
      line(textChunk('')) +
        line({ ...textChunk('last'), choices: [{ index: 0, delta: { content: 'last' }, logprobs: null, finish_reason: 'stop' }] }) +
        line({ ...textChunk('last'), choices: [{ index: 0, delta: { content: 'again' }, logprobs: null, finish_reason: 'stop' }] }),
    ];
    for (const stream of streams) {
      const sse = `${stream}data: [DONE]\n\n`;
      const { events } = await readThroughGateway(sse);
      expect(events).toEqual(parsedWhole(sse));
    }
  });
});

describe('Anthropic stream events that repeat their framing', () => {
  afterEach(() => vi.restoreAllMocks());

  const delta = (text: string, compact: boolean): string => {
    const event = { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } };
    // The API writes compact JSON; recorded and documented streams also show a space after each separator.
    // Newlines stand only between tokens (a literal's are escaped), so each becomes one space.
    const json = compact ? JSON.stringify(event) : JSON.stringify(event, null, 1).replace(/\n */g, ' ');
    return `event: content_block_delta\ndata: ${json}\n\n`;
  };

  it('give the events their parsing would, compact or spaced, while most are read without parsing', async () => {
    const texts = ['Hello', ', "quoted": yes', ' back\\slash', '\nnew line', ' é😀', ' end'];
    for (const compact of [true, false]) {
      const start = fixture('anthropic/stream-text.sse').split('event: content_block_delta')[0]!;
      const sse = start + texts.map((text) => delta(text, compact)).join('') + 'event: message_stop\ndata: {"type":"message_stop"}\n\n';
      const { events, parsedLines } = await readThroughGateway(sse, readAnthropicEventStream);
      expect(events).toEqual((await readThroughGateway(sse, readAnthropicParsingAll)).events);
      expect(events.filter((event) => event.type === 'text-delta').map((event) => event.type === 'text-delta' && event.text)).toEqual(texts);
      expect(parsedLines).toBeLessThan(dataLines(sse).length - texts.length + 2);
    }
  });

  it('read recorded streams as parsed whole', async () => {
    for (const name of ['stream-text.sse', 'stream-thinking.sse', 'stream-tool-use.sse', 'stream-redacted-thinking.sse', 'stream-cut.sse', 'stream-overloaded-error.sse']) {
      const sse = fixture(`anthropic/${name}`);
      const { events } = await readThroughGateway(sse, readAnthropicEventStream);
      expect(events).toEqual((await readThroughGateway(sse, readAnthropicParsingAll)).events);
    }
  });
});

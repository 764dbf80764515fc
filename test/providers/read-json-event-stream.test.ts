import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GatewayError, type StreamEvent } from '../../src/core/index.js';
import { readJsonEventStream, type JsonStreamEventParser, type OpenedUpstreamResponse, type UpstreamBody } from '../../src/providers/http/index.js';

interface Wire {
  text?: string;
  done?: boolean;
}

/** Each `{"text"}` is a text delta, `{"done":true}` completes the stream, the end owes one finish. */
class TextParser implements JsonStreamEventParser<Wire> {
  isComplete = false;
  private ended = false;

  parse(event: Wire): StreamEvent[] {
    if (event.done === true) {
      this.isComplete = true;
      return this.end();
    }
    return event.text === undefined ? [] : [{ type: 'text-delta', choiceIndex: 0, text: event.text }];
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    return [{ type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } }];
  }
}

function openedOver(body: PassThrough, options: { callerAborted?: () => boolean } = {}): OpenedUpstreamResponse & { disposed: () => boolean } {
  let disposed = false;
  return {
    status: 200,
    headers: {},
    body: body as unknown as UpstreamBody,
    isCallerAborted: options.callerAborted ?? (() => false),
    mapFailure: () => new GatewayError('upstream_error', 'mapped failure'),
    dispose: () => {
      disposed = true;
    },
    disposed: () => disposed,
  };
}

const frame = (wire: Wire | string): string => `data: ${typeof wire === 'string' ? wire : JSON.stringify(wire)}\n\n`;
const texts = (events: StreamEvent[]): string[] => events.map((event) => (event.type === 'text-delta' ? event.text : event.type));

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('readJsonEventStream', () => {
  it('gives the events in order however the bytes are split, skips what is not a JSON object, and ends at the completion', async () => {
    const body = new PassThrough();
    const opened = openedOver(body);
    const reading = collect(readJsonEventStream(opened, new TextParser()));
    const text = frame({ text: 'a' }) + frame('not json') + frame('42') + frame({ text: 'é😀' }) + frame({ done: true }) + frame({ text: 'after' });
    const bytes = Buffer.from(text);
    for (let offset = 0; offset < bytes.length; offset += 5) body.write(bytes.subarray(offset, offset + 5));
    body.end();
    expect(texts(await reading)).toEqual(['a', 'é😀', 'finish']);
    expect(opened.disposed()).toBe(true);
    // A completed stream is read to its end, not destroyed, so its connection can be reused.
    await tick();
    expect(body.readableEnded).toBe(true);
  });

  it('ends with the owed events and a cut error when the body ends before the completion', async () => {
    const body = new PassThrough();
    const reading = collect(readJsonEventStream(openedOver(body), new TextParser()));
    body.end(frame({ text: 'a' }));
    const events = await reading;
    expect(texts(events)).toEqual(['a', 'finish', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.message).toMatch(/closed the stream before it was complete/);
  });

  it('ends with the mapped failure when the body fails, and quietly when the caller aborted', async () => {
    const failing = new PassThrough();
    const reading = collect(readJsonEventStream(openedOver(failing), new TextParser()));
    failing.write(frame({ text: 'a' }));
    await tick();
    failing.destroy(new Error('socket reset'));
    expect(texts(await reading)).toEqual(['a', 'finish', 'error']);

    let aborted = false;
    const cancelled = new PassThrough();
    const quiet = collect(readJsonEventStream(openedOver(cancelled, { callerAborted: () => aborted }), new TextParser()));
    cancelled.write(frame({ text: 'a' }));
    await tick();
    aborted = true;
    cancelled.destroy(new Error('aborted'));
    expect(texts(await quiet)).toEqual(['a']);
  });

  it('pauses the body while the consumer lags, and resumes it once the queue is read', async () => {
    const body = new PassThrough();
    const iterator = readJsonEventStream(openedOver(body), new TextParser())[Symbol.asyncIterator]();
    const count = 1_000;
    for (let index = 0; index < count; index += 1) body.write(frame({ text: String(index) }));
    body.end(frame({ done: true }));
    await tick();
    // Held back in the body, not parsed into an ever longer queue.
    expect(body.isPaused()).toBe(true);
    expect(body.readableLength).toBeGreaterThan(0);
    const received: string[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      received.push(next.value.type === 'text-delta' ? next.value.text : next.value.type);
    }
    expect(received).toEqual([...Array.from({ length: count }, (_, index) => String(index)), 'finish']);
  });

  it('destroys the body of an unfinished stream when the consumer stops early', async () => {
    const body = new PassThrough();
    const opened = openedOver(body);
    body.write(frame({ text: 'a' }) + frame({ text: 'b' }));
    for await (const event of readJsonEventStream(opened, new TextParser())) if (event.type === 'text-delta') break;
    expect(body.destroyed).toBe(true);
    expect(body.readableEnded).toBe(false);
    expect(opened.disposed()).toBe(true);
  });
});

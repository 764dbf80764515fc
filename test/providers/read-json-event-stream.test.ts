import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { canPushStreamEvents, GatewayError, type StreamEvent, type StreamEventPush } from '../../src/core/index.js';
import { readJsonEventStream, type OpenedUpstreamResponse } from '../../src/providers/http/index.js';
import { openedOver } from '../support/opened-upstream-response.js';
import { TextEventParser, type TextWire } from '../support/text-event-parser.js';

const frame = (wire: TextWire | string): string => `data: ${typeof wire === 'string' ? wire : JSON.stringify(wire)}\n\n`;
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
    const reading = collect(readJsonEventStream(opened, new TextEventParser()));
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
    const reading = collect(readJsonEventStream(openedOver(body), new TextEventParser()));
    body.end(frame({ text: 'a' }));
    const events = await reading;
    expect(texts(events)).toEqual(['a', 'finish', 'error']);
    const last = events.at(-1);
    expect(last?.type === 'error' && last.error.message).toMatch(/closed the stream before it was complete/);
  });

  it('ends with the mapped failure when the body fails, and quietly when the caller aborted', async () => {
    const failing = new PassThrough();
    const reading = collect(readJsonEventStream(openedOver(failing), new TextEventParser()));
    failing.write(frame({ text: 'a' }));
    await tick();
    failing.destroy(new Error('socket reset'));
    expect(texts(await reading)).toEqual(['a', 'finish', 'error']);

    let aborted = false;
    const cancelled = new PassThrough();
    const quiet = collect(readJsonEventStream(openedOver(cancelled, { callerAborted: () => aborted }), new TextEventParser()));
    cancelled.write(frame({ text: 'a' }));
    await tick();
    aborted = true;
    cancelled.destroy(new Error('aborted'));
    expect(texts(await quiet)).toEqual(['a']);
  });

  it('pauses the body while the consumer lags, and resumes it once the queue is read', async () => {
    const body = new PassThrough();
    const iterator = readJsonEventStream(openedOver(body), new TextEventParser())[Symbol.asyncIterator]();
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
    for await (const event of readJsonEventStream(opened, new TextEventParser())) if (event.type === 'text-delta') break;
    expect(body.destroyed).toBe(true);
    expect(body.readableEnded).toBe(false);
    expect(opened.disposed()).toBe(true);
  });
});

/** A sink that records what it is given; `accept` decides, event by event, whether more may come. */
function recordingSink(accept: (received: string[]) => boolean = () => true) {
  const received: string[] = [];
  const failures: unknown[] = [];
  let ended = 0;
  const sink = {
    event: (event: StreamEvent) => {
      received.push(event.type === 'text-delta' ? event.text : event.type);
      return accept(received);
    },
    end: () => {
      ended += 1;
    },
    fail: (error: unknown) => {
      failures.push(error);
    },
  };
  return { sink, received, failures, ended: () => ended };
}

function pushing(opened: OpenedUpstreamResponse) {
  const iterator = readJsonEventStream(opened, new TextEventParser())[Symbol.asyncIterator]();
  if (!canPushStreamEvents(iterator)) throw new Error('the iterator cannot push');
  return iterator;
}

describe('readJsonEventStream, pushed', () => {
  it('hands the events to the sink in order, the ones read before first, never from within pushTo, and ends once', async () => {
    const body = new PassThrough();
    const opened = openedOver(body);
    const { sink, received, ended } = recordingSink();
    const reader = pushing(opened);
    body.write(frame({ text: 'a' }) + frame({ text: 'b' }));
    await tick();
    reader.pushTo(sink);
    expect(received).toEqual([]);
    await tick();
    expect(received).toEqual(['a', 'b']);
    body.write(frame({ text: 'c' }) + frame({ done: true }) + frame({ text: 'after' }));
    await tick();
    expect(received).toEqual(['a', 'b', 'c', 'finish']);
    expect(ended()).toBe(1);
    expect(opened.disposed()).toBe(true);
    body.end();
    await tick();
    // Completed: read to its end for the connection's reuse, not cut.
    expect(body.readableEnded).toBe(true);
    expect(ended()).toBe(1);
  });

  it('tells the sink when the waiting events have all been given, and leaves the events of later reads to the turn', async () => {
    const body = new PassThrough();
    const log: string[] = [];
    const sink = {
      event: (event: StreamEvent) => {
        log.push(event.type === 'text-delta' ? event.text : event.type);
        return true;
      },
      end: () => log.push('end'),
      fail: () => log.push('fail'),
      flush: () => log.push('flush'),
    };
    const reader = pushing(openedOver(body));
    body.write(frame({ text: 'a' }) + frame({ text: 'b' }));
    await tick();
    reader.pushTo(sink);
    await tick();
    expect(log).toEqual(['a', 'b', 'flush']);
    // One socket read can carry several body chunks: their events leave together at the turn's end.
    body.write(frame({ text: 'c' }) + frame({ text: 'd' }));
    await tick();
    expect(log).toEqual(['a', 'b', 'flush', 'c', 'd']);
  });

  it('holds the body while the sink takes no more, and delivers the rest on resume', async () => {
    const body = new PassThrough();
    const count = 1_000;
    // The sink takes ten events, then asks for a pause.
    const { sink, received, ended } = recordingSink((seen) => seen.length % 10 !== 0);
    const push: StreamEventPush = pushing(openedOver(body)).pushTo(sink);
    for (let index = 0; index < count; index += 1) body.write(frame({ text: String(index) }));
    body.end(frame({ done: true }));
    await tick();
    expect(received).toHaveLength(10);
    expect(body.isPaused()).toBe(true);
    expect(body.readableLength).toBeGreaterThan(0);
    while (ended() === 0) {
      const before = received.length;
      push.resume();
      await tick();
      expect(received.length).toBeGreaterThan(before);
    }
    expect(received).toEqual([...Array.from({ length: count }, (_, index) => String(index)), 'finish']);
    expect(ended()).toBe(1);
  });

  it('cuts an unfinished upstream when the consumer stops, and tells the sink nothing more', async () => {
    const body = new PassThrough();
    const opened = openedOver(body);
    let push: StreamEventPush | undefined;
    const { sink, received, ended } = recordingSink((seen) => {
      if (seen.length === 1) push!.stop();
      return true;
    });
    push = pushing(opened).pushTo(sink);
    body.write(frame({ text: 'a' }) + frame({ text: 'b' }));
    await tick();
    expect(received).toEqual(['a']);
    expect(body.destroyed).toBe(true);
    expect(opened.disposed()).toBe(true);
    expect(ended()).toBe(0);
  });

  it('stops and tells the sink when taking an event throws, instead of throwing into the body', async () => {
    const body = new PassThrough();
    const opened = openedOver(body);
    const broken = new Error('the meter broke');
    const { sink, received, failures, ended } = recordingSink((seen) => {
      if (seen.length === 2) throw broken;
      return true;
    });
    pushing(opened).pushTo(sink);
    body.write(frame({ text: 'a' }));
    await tick();
    // Thrown from within the body's data handler: it must come back as `fail`, not as an exception.
    body.write(frame({ text: 'b' }) + frame({ text: 'c' }));
    await tick();
    expect(received).toEqual(['a', 'b']);
    expect(failures).toEqual([broken]);
    expect(ended()).toBe(0);
    expect(body.destroyed).toBe(true);
    expect(opened.disposed()).toBe(true);
  });

  it('ends with the owed events and a cut error when the body ends early, as when pulled', async () => {
    const body = new PassThrough();
    const { sink, received, ended } = recordingSink();
    pushing(openedOver(body)).pushTo(sink);
    body.end(frame({ text: 'a' }));
    await tick();
    await tick();
    expect(received).toEqual(['a', 'finish', 'error']);
    expect(ended()).toBe(1);
  });
});

/**
 * `openStreamPastFirstEvent` over a reader that pushes: the stream commits inside the reader's
 * own delivery of its first content, and a consumer attached then is given the kept events in
 * that same call. Driven by a hand-held source, so each delivery's place in time is the test's.
 */
import { describe, expect, it } from 'vitest';
import {
  GatewayError,
  type OpenedStream,
  type StreamEvent,
  type StreamEventPush,
  type StreamEventPushSource,
  type StreamEventSink,
} from '../../src/core/index.js';
import { openStreamPastFirstEvent } from '../../src/pipeline/open-stream-past-first-event.js';

const start: StreamEvent = { type: 'start', model: 'm' };
const text = (value: string): StreamEvent => ({ type: 'text-delta', choiceIndex: 0, text: value });
const cut = new GatewayError('upstream_error', 'Upstream closed the stream before it was complete', { retryElsewhere: true });
const microtasks = () => new Promise((resolve) => setImmediate(resolve));

/** A reader that pushes what the test hands it, holding when its sink asks to. */
class HandHeldSource implements StreamEventPushSource, AsyncIterable<StreamEvent> {
  sink: StreamEventSink | null = null;
  held = false;
  stopped = false;
  resumed = 0;
  private readonly backlog: StreamEvent[] = [];

  pushTo(sink: StreamEventSink): StreamEventPush {
    this.sink = sink;
    return {
      resume: () => {
        this.resumed++;
        this.held = false;
        while (!this.held && this.backlog.length > 0) this.deliver(this.backlog.shift()!);
        // As the real reader does once it has given what it held.
        if (!this.held) this.sink!.flush?.();
      },
      stop: () => {
        this.stopped = true;
      },
    };
  }

  /** One event from the upstream; what returns is whether the sink takes more at once. */
  deliver(event: StreamEvent): boolean {
    if (this.held) {
      this.backlog.push(event);
      return false;
    }
    const more = this.sink!.event(event);
    if (!more) this.held = true;
    return more;
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    throw new Error('a pushing source is not pulled');
  }
}

function iteratorOver(source: HandHeldSource): OpenedStream {
  return { events: { [Symbol.asyncIterator]: () => source as unknown as AsyncIterator<StreamEvent> } };
}

/** A sink that records; `takeMore` answers its `event` calls. */
function recordingSink(takeMore: () => boolean = () => true) {
  const log: string[] = [];
  const sink: StreamEventSink = {
    event: (event) => {
      log.push(event.type === 'text-delta' ? `text ${event.text}` : event.type);
      return takeMore();
    },
    end: () => void log.push('end'),
    fail: (error) => void log.push(`fail ${String(error)}`),
    flush: () => void log.push('flush'),
  };
  return { sink, log };
}

/** The opening, once the source is listened to (an object: a promise returned would be awaited). */
async function listening(source: HandHeldSource, observe?: (event: StreamEvent) => void, onCommit?: (events: AsyncIterable<StreamEvent>) => void) {
  const opening = openStreamPastFirstEvent(Promise.resolve(iteratorOver(source)), observe, onCommit);
  await microtasks();
  return { opening };
}

describe('a pushed stream, opened up to its first event', () => {
  it('commits inside the delivery of the first content: a sink attached then has the kept events before it returns', async () => {
    const source = new HandHeldSource();
    const observed: string[] = [];
    const { sink, log } = recordingSink();
    let push: StreamEventPush | undefined;
    const opening = openStreamPastFirstEvent(
      Promise.resolve(iteratorOver(source)),
      (event) => observed.push(event.type),
      (events) => {
        log.push('commit');
        push = (events as unknown as StreamEventPushSource).pushTo(sink);
      },
    );
    await microtasks();
    expect(source.deliver(start)).toBe(true);
    expect(log).toEqual([]);
    // Returning true lets the reader go on delivering from the same upstream read; what it
    // delivers next leaves with these (no flush between).
    expect(source.deliver(text('a'))).toBe(true);
    expect(log).toEqual(['commit', 'start', 'text a']);
    expect(observed).toEqual(['start', 'text-delta']);
    expect(source.resumed).toBe(0);

    source.deliver(text('b'));
    source.sink!.end();
    expect(log).toEqual(['commit', 'start', 'text a', 'text b', 'end']);
    expect(observed).toEqual(['start', 'text-delta', 'text-delta']);
    expect((await opening).events).toBeDefined();
    expect(push).toBeDefined();
  });

  it('holds the reader after the commit until a consumer attaches, then gives everything in order from a later microtask', async () => {
    const source = new HandHeldSource();
    const { opening } = await listening(source);
    source.deliver(start);
    expect(source.deliver(text('a'))).toBe(false);
    source.deliver(text('b'));
    const { events } = await opening;
    const { sink, log } = recordingSink();
    (events as unknown as StreamEventPushSource).pushTo(sink);
    // Nothing is delivered from within `pushTo`.
    expect(log).toEqual([]);
    await microtasks();
    // The kept events, then what the source held, and one flush after all of them.
    expect(log).toEqual(['start', 'text a', 'text b', 'flush']);
    expect(source.resumed).toBe(1);
    source.sink!.end();
    expect(log.at(-1)).toBe('end');
  });

  it('rejects with an error that comes before any content, stops the reader, and never commits', async () => {
    const source = new HandHeldSource();
    let commits = 0;
    const observed: StreamEvent[] = [];
    const { opening } = await listening(source, (event) => observed.push(event), () => commits++);
    source.deliver(start);
    source.deliver({ type: 'error', error: cut });
    await expect(opening).rejects.toBe(cut);
    expect(source.stopped).toBe(true);
    expect(commits).toBe(0);
    expect(observed).toEqual([]);
  });

  it('passes on a stream that ended before any content: its start events, then the end', async () => {
    const source = new HandHeldSource();
    const { opening } = await listening(source);
    source.deliver(start);
    source.sink!.end();
    const { events } = await opening;
    const { sink, log } = recordingSink();
    (events as unknown as StreamEventPushSource).pushTo(sink);
    await microtasks();
    expect(log).toEqual(['start', 'end']);
  });

  it('keeps what a consumer not reading has not taken, and goes on from there when it resumes', async () => {
    const source = new HandHeldSource();
    let room = 1;
    const { sink, log } = recordingSink(() => --room > 0);
    let push: StreamEventPush | undefined;
    const { opening } = await listening(source, undefined, (events) => {
      push = (events as unknown as StreamEventPushSource).pushTo(sink);
    });
    source.deliver(start);
    expect(source.deliver(text('a'))).toBe(false);
    source.deliver(text('b'));
    expect(log).toEqual(['start']);
    room = 10;
    push!.resume();
    expect(log).toEqual(['start', 'text a', 'text b', 'flush']);
    expect(source.resumed).toBe(1);
    await opening;
  });

  it('stops the reader and tells the consumer when its sink throws on a kept event', async () => {
    const source = new HandHeldSource();
    const failures: unknown[] = [];
    const broken = new Error('encoder broke');
    const sink: StreamEventSink = {
      event: () => {
        throw broken;
      },
      end: () => {},
      fail: (error) => void failures.push(error),
    };
    const { opening } = await listening(source, undefined, (events) => void (events as unknown as StreamEventPushSource).pushTo(sink));
    source.deliver(start);
    expect(source.deliver(text('a'))).toBe(false);
    expect(failures).toEqual([broken]);
    expect(source.stopped).toBe(true);
    await opening;
  });

  it('can still be pulled, and a consumer that stops pulling early stops the reader', async () => {
    const source = new HandHeldSource();
    const { opening } = await listening(source);
    source.deliver(start);
    source.deliver(text('a'));
    const { events } = await opening;
    const iterator = events[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: start });
    expect(await iterator.next()).toEqual({ done: false, value: text('a') });
    const third = iterator.next();
    source.deliver(text('b'));
    expect(await third).toEqual({ done: false, value: text('b') });
    source.deliver(text('c'));
    source.deliver(text('d'));
    expect(source.held).toBe(true);
    expect(await iterator.next()).toEqual({ done: false, value: text('c') });
    expect(await iterator.next()).toEqual({ done: false, value: text('d') });
    await iterator.return!();
    expect(source.stopped).toBe(true);
  });

  it('ends a pulled stream when the reader ends', async () => {
    const source = new HandHeldSource();
    const { opening } = await listening(source);
    source.deliver(start);
    source.deliver(text('a'));
    source.sink!.end();
    const all: StreamEvent[] = [];
    for await (const event of (await opening).events) all.push(event);
    expect(all).toEqual([start, text('a')]);
  });
});

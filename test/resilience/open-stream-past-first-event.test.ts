import { describe, expect, it } from 'vitest';
import { GatewayError, type OpenedStream, type StreamEvent } from '../../src/core/index.js';
import { openStreamPastFirstEvent } from '../../src/pipeline/open-stream-past-first-event.js';

const start: StreamEvent = { type: 'start', model: 'm' } as StreamEvent;
const text = (value: string): StreamEvent => ({ type: 'text-delta', choiceIndex: 0, text: value }) as StreamEvent;
const cut = new GatewayError('upstream_error', 'Upstream closed the stream before it was complete', { retryElsewhere: true });

/** A stream over fixed events that records whether its consumer finished it (which closes the upstream). */
function streamOf(events: StreamEvent[]): { opened: OpenedStream; finished: () => boolean } {
  let finished = false;
  async function* generate(): AsyncGenerator<StreamEvent> {
    try {
      yield* events;
    } finally {
      finished = true;
    }
  }
  return { opened: { events: generate() }, finished: () => finished };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('opening a stream up to its first event', () => {
  it('rejects with the error when the stream fails before producing anything, and finishes the upstream', async () => {
    const source = streamOf([start, { type: 'error', error: cut }]);
    await expect(openStreamPastFirstEvent(Promise.resolve(source.opened))).rejects.toBe(cut);
    expect(source.finished()).toBe(true);
  });

  it('replays every event once the stream has produced something, an error after it included', async () => {
    const events = [start, text('a'), text('b'), { type: 'error', error: cut } as StreamEvent];
    const opened = await openStreamPastFirstEvent(Promise.resolve(streamOf(events).opened));
    expect(await collect(opened.events)).toEqual(events);
  });

  it('passes on a stream that ended without any event', async () => {
    const opened = await openStreamPastFirstEvent(Promise.resolve(streamOf([]).opened));
    expect(await collect(opened.events)).toEqual([]);
  });

  it('finishes the upstream when the consumer stops early', async () => {
    const source = streamOf([start, text('a'), text('b'), text('c')]);
    const opened = await openStreamPastFirstEvent(Promise.resolve(source.opened));
    for await (const event of opened.events) if (event.type === 'text-delta') break;
    expect(source.finished()).toBe(true);
  });

  it('shows each event to the observer as the consumer takes it, and none of a stream that failed to open', async () => {
    const seen: StreamEvent[] = [];
    const observe = (event: StreamEvent): void => void seen.push(event);
    await expect(openStreamPastFirstEvent(Promise.resolve(streamOf([start, { type: 'error', error: cut }]).opened), observe)).rejects.toBe(cut);
    expect(seen).toEqual([]);

    const events = [start, text('a'), text('b')];
    const opened = await openStreamPastFirstEvent(Promise.resolve(streamOf(events).opened), observe);
    expect(seen).toEqual([]);
    const iterator = opened.events[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(seen).toEqual([start, text('a')]);
    await iterator.next();
    expect((await iterator.next()).done).toBe(true);
    expect(seen).toEqual(events);
  });
});

import { canPushStreamEvents, type OpenedStream, type StreamEvent, type StreamEventPushSource, type StreamEventSink } from '../core/index.js';

/**
 * Opens a stream and reads it up to its first event other than `start`. An upstream that answered
 * 200 but fails before producing anything (cut off, garbage, an error as its first chunk) then
 * rejects like one that never answered, so the next channel is tried: nothing has reached the
 * client yet. The events read are replayed, in order, to whoever consumes the stream: pulled, or
 * pushed where the adapter's iterator can push (`StreamEventPushSource`).
 *
 * `observe` sees each event as the consumer takes it (the meter): here rather than in a layer of
 * its own, since each layer adds a promise per event to every open stream.
 */
export async function openStreamPastFirstEvent(
  opening: Promise<OpenedStream>,
  observe: (event: StreamEvent) => void = ignore,
): Promise<OpenedStream> {
  const opened = await opening;
  const iterator = opened.events[Symbol.asyncIterator]();
  const pushable = canPushStreamEvents(iterator) ? iterator : null;
  const read: StreamEvent[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return { events: replay(read, null, observe) };
    const event = next.value;
    if (event.type === 'error') {
      // The adapter closes its upstream once the iterator is finished.
      await iterator.return?.(undefined);
      throw event.error;
    }
    read.push(event);
    if (event.type !== 'start') {
      return { events: pushable === null ? replay(read, iterator, observe) : replayThenPush(read, iterator, pushable, observe) };
    }
  }
}

/**
 * The events read so far, then the rest. A plain iterator rather than an async generator: each
 * generator layer costs several promise turns per event, and this one sits on every stream.
 */
function replay(read: StreamEvent[], rest: AsyncIterator<StreamEvent> | null, observe: (event: StreamEvent) => void): AsyncIterable<StreamEvent> {
  let index = 0;
  let finished = false;
  const finish = async (): Promise<IteratorResult<StreamEvent>> => {
    if (!finished) {
      finished = true;
      // A consumer that stops early must still let the adapter close its upstream.
      await rest?.return?.(undefined);
    }
    return { done: true, value: undefined };
  };
  // One function for the stream's life, not a closure per event.
  const passOn = (result: IteratorResult<StreamEvent>): IteratorResult<StreamEvent> => {
    if (result.done === true) finished = true;
    else observe(result.value);
    return result;
  };
  const iterator: AsyncIterator<StreamEvent> = {
    next: () => {
      if (index < read.length) {
        const value = read[index++]!;
        observe(value);
        return Promise.resolve({ done: false, value });
      }
      if (rest === null || finished) return Promise.resolve({ done: true, value: undefined });
      return rest.next().then(passOn);
    },
    return: finish,
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

/**
 * As `replay`, and pushable: the events read go to the sink ahead of the rest. A consumer that
 * pushes must not have pulled: the iterator is only there for one that does not push.
 */
function replayThenPush(
  read: StreamEvent[],
  rest: AsyncIterator<StreamEvent>,
  source: StreamEventPushSource,
  observe: (event: StreamEvent) => void,
): AsyncIterable<StreamEvent> & StreamEventPushSource {
  return {
    // Built only for a consumer that pulls: a pushed stream makes none of its closures.
    [Symbol.asyncIterator]: () => replay(read, rest, observe)[Symbol.asyncIterator](),
    pushTo: (sink: StreamEventSink, first: readonly StreamEvent[] = []) => {
      // One object for the stream's life, not a closure per event.
      const observed: StreamEventSink = {
        event: (event) => {
          observe(event);
          return sink.event(event);
        },
        end: () => sink.end(),
        fail: (error) => sink.fail(error),
        flush: () => sink.flush?.(),
      };
      return source.pushTo(observed, first.length === 0 ? read : [...first, ...read]);
    },
  };
}

function ignore(): void {}

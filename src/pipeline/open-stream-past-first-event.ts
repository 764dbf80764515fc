import { canPushStreamEvents, type OpenedStream, type StreamEvent } from '../core/index.js';
import { gatePushedStream, type StreamCommitListener } from './pushed-stream-gate.js';

/**
 * Opens a stream and reads it up to its first event other than `start`. An upstream that answered
 * 200 but fails before producing anything (cut off, garbage, an error as its first chunk) then
 * rejects like one that never answered, so the next channel is tried: nothing has reached the
 * client yet. The events read are replayed, in order, to whoever consumes the stream: pulled, or
 * pushed where the adapter's iterator can push (`pushed-stream-gate.ts`).
 *
 * `onCommit` is told of the stream as soon as that first event is read, before the promise
 * settles: a consumer that starts there loses no turns. `observe` sees each event as the consumer
 * takes it (the meter): here rather than in a layer of its own, since each layer adds a promise
 * per event to every open stream.
 */
export async function openStreamPastFirstEvent(
  opening: Promise<OpenedStream>,
  observe: (event: StreamEvent) => void = ignore,
  onCommit?: StreamCommitListener,
): Promise<OpenedStream> {
  const opened = await opening;
  const iterator = opened.events[Symbol.asyncIterator]();
  if (canPushStreamEvents(iterator)) return gatePushedStream(iterator, observe, onCommit);
  const read: StreamEvent[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return committed(replay(read, null, observe), onCommit);
    const event = next.value;
    if (event.type === 'error') {
      // The adapter closes its upstream once the iterator is finished.
      await iterator.return?.(undefined);
      throw event.error;
    }
    read.push(event);
    if (event.type !== 'start') return committed(replay(read, iterator, observe), onCommit);
  }
}

function committed(events: AsyncIterable<StreamEvent>, onCommit: StreamCommitListener | undefined): OpenedStream {
  onCommit?.(events);
  return { events };
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

function ignore(): void {}

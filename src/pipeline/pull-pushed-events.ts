import type { StreamEvent, StreamEventPush, StreamEventPushSource } from '../core/index.js';

/**
 * Pulls a stream that pushes: for a consumer that iterates (`for await`) a stream the pipeline
 * opened in push mode. The source is held whenever an event waits unread, so memory is bounded as
 * with a pulling reader. Returning the iterator early stops the source (its upstream is cut).
 */
export function pullPushedEvents(source: StreamEventPushSource): AsyncIterator<StreamEvent> {
  const waiting: StreamEvent[] = [];
  let reader: { resolve: (result: IteratorResult<StreamEvent>) => void; reject: (error: unknown) => void } | null = null;
  let ended = false;
  let failure: { error: unknown } | null = null;
  let held = false;
  let push: StreamEventPush | null = null;

  const wake = () => {
    const current = reader;
    if (current === null) return;
    reader = null;
    if (waiting.length > 0) current.resolve({ done: false, value: waiting.shift()! });
    else if (failure !== null) current.reject(failure.error);
    else current.resolve({ done: true, value: undefined });
  };

  const sink = {
    event: (event: StreamEvent) => {
      waiting.push(event);
      wake();
      held = waiting.length > 0;
      return !held;
    },
    end: () => {
      ended = true;
      wake();
    },
    fail: (error: unknown) => {
      failure = { error };
      wake();
    },
  };

  return {
    next: () => {
      if (waiting.length > 0) {
        const value = waiting.shift()!;
        if (held && waiting.length === 0) {
          held = false;
          push?.resume();
        }
        return Promise.resolve({ done: false, value });
      }
      if (failure !== null) return Promise.reject(failure.error);
      if (ended) return Promise.resolve({ done: true, value: undefined });
      push ??= source.pushTo(sink);
      if (held) {
        held = false;
        push.resume();
      }
      return new Promise((resolve, reject) => {
        reader = { resolve, reject };
        // Resumed, the source may have delivered already (it does so synchronously).
        if (waiting.length > 0 || ended || failure !== null) wake();
      });
    },
    return: () => {
      ended = true;
      waiting.length = 0;
      (push ?? source.pushTo(sink)).stop();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}

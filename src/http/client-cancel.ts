import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { CancelSignal } from '../core/index.js';

type AbortListener = () => void;

/**
 * A signal that aborts when the client goes away before the response has ended, so the upstream
 * request is cancelled at once instead of running on for nobody.
 */
export function cancelWhenClientLeaves(reply: FastifyReply): CancelSignal {
  return cancelWhenResponseCloses(reply.raw);
}

/** `cancelWhenClientLeaves` for a node:http response. */
export function cancelWhenResponseCloses(response: ServerResponse): CancelSignal {
  const signal = new ClientCancelSignal();
  // A response emits 'close' once: `on` spares the wrapper `once` would add and remove.
  response.on('close', () => {
    if (!response.writableFinished) signal.abort();
  });
  return signal;
}

/**
 * A one-shot cancellation signal, built on every request in place of an `AbortController`, whose
 * construction and listeners cost microseconds. It behaves as an `AbortSignal` for the
 * `CancelSignal` surface: `aborted` and `reason` are set before any listener runs, listeners run
 * once in the order they were added, a listener removed while others run is not called, adding the
 * same listener twice keeps one, and a listener added after the abort is never called. Since the
 * event fires at most once, every listener is a `once` listener.
 */
export class ClientCancelSignal implements CancelSignal {
  #aborted = false;
  #reason: unknown = undefined;
  // Usually a single listener (the upstream request in flight): no array is built for it.
  #listeners: AbortListener | AbortListener[] | null = null;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  addEventListener(_type: 'abort', listener: AbortListener, _options?: { once?: boolean }): void {
    if (this.#aborted) return;
    const listeners = this.#listeners;
    if (listeners === null) this.#listeners = listener;
    else if (typeof listeners === 'function') {
      if (listeners !== listener) this.#listeners = [listeners, listener];
    } else if (!listeners.includes(listener)) listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: AbortListener): void {
    const listeners = this.#listeners;
    if (listeners === listener) this.#listeners = null;
    else if (Array.isArray(listeners)) {
      const index = listeners.indexOf(listener);
      if (index >= 0) listeners.splice(index, 1);
    }
  }

  /** Aborts with the same reason `AbortController.abort()` gives; later calls do nothing. */
  abort(reason: unknown = new DOMException('This operation was aborted', 'AbortError')): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    const listeners = this.#listeners;
    if (typeof listeners === 'function') {
      this.#listeners = null;
      callListener(listeners);
    } else if (listeners !== null) {
      // Taken from the front, so a listener that removes a later one keeps it from running.
      while (listeners.length > 0) callListener(listeners.shift()!);
      this.#listeners = null;
    }
  }
}

/** A failing listener does not keep the others from running; its error surfaces as uncaught, as with `EventTarget`. */
function callListener(listener: AbortListener): void {
  try {
    listener();
  } catch (error) {
    process.nextTick(() => {
      throw error;
    });
  }
}

/**
 * What the gateway's request pipeline and provider adapters need from a cancellation signal.
 * A real `AbortSignal` fits this shape, so callers that have one may pass it; a request's own
 * signal is a lighter object, since building an `AbortController` per request is costly.
 *
 * The `abort` event fires at most once. A listener added after the signal aborted is never
 * called: check `aborted` before listening.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  /** Why the signal aborted; `undefined` until it has. */
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

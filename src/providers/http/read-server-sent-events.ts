import { createParser, type EventSourceMessage } from 'eventsource-parser';

export type ServerSentEvent = EventSourceMessage;

/**
 * Parses a byte stream of Server-Sent Events, yielding the events each network chunk completes
 * as one batch: one generator step per chunk rather than per event keeps the per-event cost of
 * a stream low (an upstream read often carries several events). Comments and retry hints are
 * skipped; errors of the underlying body propagate.
 *
 * Takes an iterator rather than an iterable on purpose: stopping early does not close the source,
 * so after the last event the caller can drain the rest and keep the connection reusable.
 */
export async function* readServerSentEventBatches(chunks: AsyncIterator<Uint8Array>): AsyncGenerator<ServerSentEvent[]> {
  let pending: ServerSentEvent[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder('utf-8');
  for (;;) {
    const next = await chunks.next();
    if (next.done === true) break;
    parser.feed(decoder.decode(next.value, { stream: true }));
    if (pending.length > 0) {
      // A fresh array per batch, so events parsed while the consumer awaits are not lost.
      const batch = pending;
      pending = [];
      yield batch;
    }
  }
  const rest = decoder.decode();
  if (rest !== '') parser.feed(rest);
  // An event not followed by a blank line was never completed by the server; it is not delivered.
  if (pending.length > 0) yield pending;
}

/**
 * Reads what is left of a body in the background, up to a limit, so that the connection returns
 * to the pool instead of being closed. Past the limit, `onTooLong` (closing the body) is called.
 */
export function drainInBackground(chunks: AsyncIterator<Uint8Array>, limitBytes: number, onTooLong: () => void): void {
  void (async () => {
    let total = 0;
    for (;;) {
      const next = await chunks.next();
      if (next.done === true) return;
      total += next.value.length;
      if (total > limitBytes) {
        onTooLong();
        return;
      }
    }
  })().catch(() => undefined);
}

import { GatewayError, type StreamEvent } from '../../core/index.js';
import type { OpenedUpstreamResponse } from './send-upstream-request.js';
import { drainInBackground, readServerSentEventBatches } from './read-server-sent-events.js';

/** Turns one provider's stream events (JSON objects) into canonical events. */
export interface JsonStreamEventParser<Wire> {
  parse(event: Wire): StreamEvent[];
  /** The events still owed at the end (usage, finish), once. */
  end(): StreamEvent[];
  /** The provider said the stream is over. */
  readonly isComplete: boolean;
}

export function streamCutError(): GatewayError {
  return new GatewayError('upstream_error', 'Upstream closed the stream before it was complete', { retryElsewhere: true });
}

/**
 * The canonical events of an opened stream whose `data:` lines are JSON objects ending with a
 * completion event of their own (Anthropic Messages, OpenAI Responses) or with a data line of
 * its own (`endMarker`: Chat Completions' `[DONE]`). Lines that are not JSON objects are
 * skipped. Never throws: a failure
 * becomes one final `error` event, after the usage known so far. When the caller aborts, the
 * iterator ends quietly; when the consumer stops early, the upstream body is destroyed.
 */
export async function* readJsonEventStream<Wire>(
  opened: OpenedUpstreamResponse,
  parser: JsonStreamEventParser<Wire>,
  options: { endMarker?: string } = {},
): AsyncGenerator<StreamEvent> {
  const chunks: AsyncIterator<Uint8Array> = opened.body[Symbol.asyncIterator]();
  let sawEndMarker = false;
  try {
    for await (const batch of readServerSentEventBatches(chunks)) {
      for (const message of batch) {
        if (options.endMarker !== undefined && message.data.trim() === options.endMarker) {
          sawEndMarker = true;
          yield* parser.end();
          return;
        }
        let event: Wire;
        try {
          event = JSON.parse(message.data) as Wire;
        } catch {
          continue;
        }
        if (typeof event !== 'object' || event === null) continue;
        for (const streamEvent of parser.parse(event)) {
          if (streamEvent.type === 'error') {
            // The error must be the last event: the usage so far goes first.
            yield* parser.end();
            yield streamEvent;
            return;
          }
          yield streamEvent;
        }
        if (parser.isComplete) return;
      }
    }
    if (opened.isCallerAborted()) return;
    yield* parser.end();
    yield { type: 'error', error: streamCutError() };
  } catch (error) {
    if (opened.isCallerAborted()) return;
    yield* parser.end();
    const mapped = opened.mapFailure(error);
    yield { type: 'error', error: mapped.code === 'upstream_timeout' ? mapped : streamCutError() };
  } finally {
    opened.dispose();
    // Draining what little follows the last event lets the connection go back to the pool.
    if (parser.isComplete || sawEndMarker) drainInBackground(chunks, 64 * 1024, () => opened.body.destroy());
    else if (!opened.body.destroyed) opened.body.destroy();
  }
}

import { GatewayError, type StreamEvent } from '../../core/index.js';
import { drainInBackground, readServerSentEvents, type OpenedUpstreamResponse } from '../http/index.js';
import { AnthropicStreamEventParser } from './anthropic-stream-event-parser.js';
import type { AnthropicStreamEventWire } from './anthropic-wire-types.js';

function streamCutError(): GatewayError {
  return new GatewayError('upstream_error', 'Upstream closed the stream before it was complete', { retryElsewhere: true });
}

/**
 * The canonical events of an opened Messages stream. Never throws: a failure becomes one final
 * `error` event. When the caller aborts, the iterator ends quietly; when the consumer stops early,
 * the upstream body is destroyed.
 */
export async function* readAnthropicEventStream(
  opened: OpenedUpstreamResponse,
  secrets: readonly string[],
): AsyncGenerator<StreamEvent> {
  const parser = new AnthropicStreamEventParser(secrets);
  const chunks: AsyncIterator<Uint8Array> = opened.body[Symbol.asyncIterator]();
  try {
    for await (const message of readServerSentEvents(chunks)) {
      let event: AnthropicStreamEventWire;
      try {
        event = JSON.parse(message.data) as AnthropicStreamEventWire;
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
    if (parser.isComplete) drainInBackground(chunks, 64 * 1024, () => opened.body.destroy());
    else if (!opened.body.destroyed) opened.body.destroy();
  }
}

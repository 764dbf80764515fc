import type { StreamEvent } from '../../core/index.js';
import { drainInBackground, readServerSentEvents, type OpenedUpstreamResponse } from '../http/index.js';
import { responsesStreamCutError } from './map-responses-error.js';
import { ResponsesStreamEventParser } from './responses-stream-event-parser.js';
import type { ResponsesStreamEventWire } from './openai-responses-wire-types.js';

/**
 * The canonical events of an opened Responses stream. Never throws: a failure becomes one final
 * `error` event, after the usage known so far. When the caller aborts, the iterator ends quietly;
 * when the consumer stops early, the upstream body is destroyed.
 */
export async function* readResponsesEventStream(opened: OpenedUpstreamResponse, secrets: readonly string[]): AsyncGenerator<StreamEvent> {
  const parser = new ResponsesStreamEventParser(secrets);
  const chunks: AsyncIterator<Uint8Array> = opened.body[Symbol.asyncIterator]();
  try {
    for await (const message of readServerSentEvents(chunks)) {
      let event: ResponsesStreamEventWire;
      try {
        event = JSON.parse(message.data) as ResponsesStreamEventWire;
      } catch {
        continue;
      }
      if (typeof event !== 'object' || event === null) continue;
      for (const streamEvent of parser.parse(event)) {
        if (streamEvent.type === 'error') {
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
    yield { type: 'error', error: responsesStreamCutError() };
  } catch (error) {
    if (opened.isCallerAborted()) return;
    yield* parser.end();
    const mapped = opened.mapFailure(error);
    yield { type: 'error', error: mapped.code === 'upstream_timeout' ? mapped : responsesStreamCutError() };
  } finally {
    opened.dispose();
    if (parser.isComplete) drainInBackground(chunks, 64 * 1024, () => opened.body.destroy());
    else if (!opened.body.destroyed) opened.body.destroy();
  }
}

import type { StreamEvent } from '../../core/index.js';
import { drainInBackground, readServerSentEventBatches, streamCutError, type OpenedUpstreamResponse } from '../http/index.js';
import { OpenAIStreamChunkParser } from './openai-stream-chunk-parser.js';
import { mapOpenAIStreamError } from './map-openai-stream-error.js';
import type { OpenAIChatCompletionWire } from './openai-wire-types.js';

/**
 * The canonical events of an opened Chat Completions stream. Never throws: a failure becomes one
 * final `error` event. When the caller's signal aborts, the iterator ends quietly; when the
 * consumer stops early, the upstream body is destroyed so the connection is not left hanging.
 */
export async function* readOpenAIEventStream(
  opened: OpenedUpstreamResponse,
  secrets: readonly string[],
): AsyncGenerator<StreamEvent> {
  const parser = new OpenAIStreamChunkParser();
  let sawDone = false;
  const chunks: AsyncIterator<Uint8Array> = opened.body[Symbol.asyncIterator]();
  try {
    for await (const batch of readServerSentEventBatches(chunks)) {
      for (const event of batch) {
        const data = event.data.trim();
        if (data === '[DONE]') {
          sawDone = true;
          yield* parser.end();
          return;
        }
        if (data === '') continue;
        let chunk: OpenAIChatCompletionWire;
        try {
          chunk = JSON.parse(data) as OpenAIChatCompletionWire;
        } catch {
          // A server's keep-alive or diagnostic line that is not JSON carries nothing for the client.
          continue;
        }
        if (typeof chunk !== 'object' || chunk === null) continue;
        if (chunk.error !== undefined && chunk.error !== null) {
          yield* parser.end();
          yield { type: 'error', error: mapOpenAIStreamError(chunk.error, secrets) };
          return;
        }
        for (const streamEvent of parser.parse(chunk)) yield streamEvent;
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
    if (sawDone) {
      // Draining what little follows `[DONE]` lets the connection go back to the pool.
      drainInBackground(chunks, 64 * 1024, () => opened.body.destroy());
    } else if (!opened.body.destroyed) {
      opened.body.destroy();
    }
  }
}

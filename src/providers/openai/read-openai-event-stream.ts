import type { StreamEvent } from '../../core/index.js';
import { readJsonEventStream, RepeatedTextChunks, type JsonStreamEventParser, type OpenedUpstreamResponse } from '../http/index.js';
import { OpenAIStreamChunkParser } from './openai-stream-chunk-parser.js';
import { mapOpenAIStreamError } from './map-openai-stream-error.js';
import type { OpenAIChatCompletionWire } from './openai-wire-types.js';

/**
 * The canonical events of an opened Chat Completions stream, which ends with `data: [DONE]`.
 * Never throws: a failure (an `error` chunk, a cut, a deadline) becomes one final `error` event.
 */
export function readOpenAIEventStream(opened: OpenedUpstreamResponse, secrets: readonly string[]): AsyncIterable<StreamEvent> {
  return readJsonEventStream(opened, new ChatCompletionChunks(secrets), { endMarker: '[DONE]' });
}

class ChatCompletionChunks implements JsonStreamEventParser<OpenAIChatCompletionWire> {
  private readonly parser = new OpenAIStreamChunkParser();
  // The end is the `[DONE]` line, never a chunk.
  readonly isComplete = false;
  private readonly repeated = new RepeatedTextChunks('"content"', '"obfuscation"');
  /** The chunk parsed last carried no usage: it changed nothing the parser keeps but by its events. */
  private parsedWithoutUsage = false;

  constructor(private readonly secrets: readonly string[]) {}

  parse(chunk: OpenAIChatCompletionWire): StreamEvent[] {
    if (chunk.error !== undefined && chunk.error !== null) return [{ type: 'error', error: mapOpenAIStreamError(chunk.error, this.secrets) }];
    this.parsedWithoutUsage = chunk.usage == null && chunk.x_groq == null;
    return this.parser.parse(chunk);
  }

  readRepeated(data: string): StreamEvent | undefined {
    return this.repeated.read(data);
  }

  learnFrom(data: string, events: readonly StreamEvent[]): void {
    this.repeated.learn(data, events, this.parsedWithoutUsage);
  }

  end(): StreamEvent[] {
    return this.parser.end();
  }
}

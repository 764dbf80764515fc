import type { StreamEvent } from '../../core/index.js';
import { readJsonEventStream, RepeatedTextFrame, type JsonStreamEventParser, type OpenedUpstreamResponse } from '../http/index.js';
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
  private readonly contentFrame = new RepeatedTextFrame('"content"', '"obfuscation"');
  private frameChoiceIndex = 0;
  /** The chunk parsed last carried one choice's text and nothing else the parser keeps. */
  private parsedPlainText = false;

  constructor(private readonly secrets: readonly string[]) {}

  parse(chunk: OpenAIChatCompletionWire): StreamEvent[] {
    if (chunk.error !== undefined && chunk.error !== null) return [{ type: 'error', error: mapOpenAIStreamError(chunk.error, this.secrets) }];
    const events = this.parser.parse(chunk);
    // A first chunk also starts the stream, and usage is state: neither may repeat unparsed.
    this.parsedPlainText = events.length === 1 && events[0]!.type === 'text-delta' && chunk.usage == null && chunk.x_groq == null;
    return events;
  }

  readRepeated(data: string): StreamEvent | undefined {
    const text = this.contentFrame.textOf(data);
    // An empty text makes no event when parsed; the parser is left to say so.
    return text === undefined || text === '' ? undefined : { type: 'text-delta', choiceIndex: this.frameChoiceIndex, text };
  }

  learnFrom(data: string, events: readonly StreamEvent[]): void {
    const event = events[0];
    if (!this.parsedPlainText || event?.type !== 'text-delta') return;
    this.contentFrame.learn(data, event.text);
    this.frameChoiceIndex = event.choiceIndex;
  }

  end(): StreamEvent[] {
    return this.parser.end();
  }
}

import { StringDecoder } from 'node:string_decoder';
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

export type ServerSentEvent = EventSourceMessage;

/**
 * Decodes a byte stream of Server-Sent Events as its chunks arrive, handing each completed event
 * to `onEvent`. Comments and retry hints are skipped. An event not followed by a blank line was
 * never completed by the server, and is not delivered.
 */
export class ServerSentEventDecoder {
  private readonly parser: EventSourceParser;
  // Not `TextDecoder`: with `stream: true` it goes through ICU, about three times the cost per
  // chunk (330 against 120 ns for a 200-byte chunk) on every chunk of every stream.
  private readonly decoder = new StringDecoder('utf8');

  constructor(onEvent: (event: ServerSentEvent) => void) {
    this.parser = createParser({ onEvent });
  }

  feed(bytes: Uint8Array): void {
    this.parser.feed(this.decoder.write(bytes));
  }

  /** The body ended: what the decoder still held (a split character) is parsed. */
  end(): void {
    const rest = this.decoder.end();
    if (rest !== '') this.parser.feed(rest);
  }
}

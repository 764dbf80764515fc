import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

export type ServerSentEvent = EventSourceMessage;

/**
 * Decodes a byte stream of Server-Sent Events as its chunks arrive, handing each completed event
 * to `onEvent`. Comments and retry hints are skipped. An event not followed by a blank line was
 * never completed by the server, and is not delivered.
 */
export class ServerSentEventDecoder {
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder('utf-8');

  constructor(onEvent: (event: ServerSentEvent) => void) {
    this.parser = createParser({ onEvent });
  }

  feed(bytes: Uint8Array): void {
    this.parser.feed(this.decoder.decode(bytes, { stream: true }));
  }

  /** The body ended: what the decoder still held (a split character) is parsed. */
  end(): void {
    const rest = this.decoder.decode();
    if (rest !== '') this.parser.feed(rest);
  }
}

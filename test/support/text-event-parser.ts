import type { StreamEvent } from '../../src/core/index.js';
import type { JsonStreamEventParser } from '../../src/providers/http/index.js';

export interface TextWire {
  text?: string;
  done?: boolean;
}

/** For reader tests: each `{"text"}` is a text delta, `{"done":true}` completes the stream, the end owes one finish. */
export class TextEventParser implements JsonStreamEventParser<TextWire> {
  isComplete = false;
  private ended = false;

  parse(event: TextWire): StreamEvent[] {
    if (event.done === true) {
      this.isComplete = true;
      return this.end();
    }
    return event.text === undefined ? [] : [{ type: 'text-delta', choiceIndex: 0, text: event.text }];
  }

  end(): StreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    return [{ type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } }];
  }
}

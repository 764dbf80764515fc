import type { StreamEvent } from '../../core/index.js';

/**
 * The framing of a streamed JSON chunk around its one changing string: everything before and
 * after the value of `key`. Servers stream a text as chunks that are byte for byte the same but
 * for that value (`{"id":"…","choices":[{"index":0,"delta":{"content":"…"},…}]}`), and parsing each
 * whole with `JSON.parse` was the largest single cost of forwarding a chunk (about 10 % of the
 * gateway's main thread while streaming). A chunk whose framing matches the one learned differs
 * from the learned chunk in that value only, so its text is the string literal between the two.
 *
 * `textOf` answers only where that holds: the chunk starts with the prefix, ends with the suffix,
 * and what lies between is exactly one JSON string literal. Anything else is undefined, and the
 * chunk is parsed as usual.
 *
 * A padding property may change too, when it is the chunk's last (OpenAI ends each chunk with a
 * random `"obfuscation"` string that no reader uses): then the suffix ends before its value, and
 * what follows must be one string literal and the closing brace.
 */
export class RepeatedTextFrame {
  private prefix = '';
  private suffix = '';
  /** The learned chunk ended with the padding property, whose value the suffix leaves out. */
  private padded = false;

  /** `key`, and `paddingKey` when given, are property names as JSON, quoted (`"content"`). */
  constructor(
    private readonly key: string,
    private readonly paddingKey?: string,
  ) {}

  /**
   * Learns the framing of `data`, a chunk whose only text is `text`, the value of the key's one
   * appearance in it. Nothing is learned (and the old framing is forgotten) where that cannot be
   * told from the text itself.
   */
  learn(data: string, text: string): void {
    this.prefix = '';
    this.suffix = '';
    const pattern = `${this.key}:`;
    const at = data.indexOf(pattern);
    if (at <= 0 || data.indexOf(pattern, at + 1) !== -1) return;
    // A property name follows `{`, `,` or a space: inside a string literal its quotes would be
    // escaped, so an unescaped `"content":` there can only be the property itself.
    const before = data.charCodeAt(at - 1);
    if (before !== OPENING_BRACE && before !== COMMA && before !== SPACE) return;
    // Some servers write `"text": "…"`, with a space after the colon.
    const literalStart = data.charCodeAt(at + pattern.length) === SPACE ? at + pattern.length + 1 : at + pattern.length;
    const literalEnd = closingQuoteAfter(data, literalStart);
    if (literalEnd === -1 || decodeLiteral(data.slice(literalStart, literalEnd + 1)) !== text) return;
    const rest = data.slice(literalEnd + 1);
    const paddingStart = this.paddingKey === undefined ? -1 : rest.lastIndexOf(`,${this.paddingKey}:"`);
    this.padded =
      paddingStart !== -1 &&
      rest.charCodeAt(rest.length - 1) === CLOSING_BRACE &&
      closingQuoteAfter(rest, paddingStart + this.paddingKey!.length + 2) === rest.length - 2;
    this.prefix = data.slice(0, literalStart);
    this.suffix = this.padded ? rest.slice(0, paddingStart + this.paddingKey!.length + 2) : rest;
  }

  /** The text of a chunk framed as the learned one, else undefined. */
  textOf(data: string): string | undefined {
    const prefix = this.prefix;
    const suffix = this.suffix;
    if (prefix === '' || data.length < prefix.length + suffix.length + 2 || !holdsAt(data, prefix, 0)) return undefined;
    let literalEnd: number;
    if (this.padded) {
      if (data.charCodeAt(data.length - 1) !== CLOSING_BRACE) return undefined;
      literalEnd = data.lastIndexOf(suffix);
      if (literalEnd < prefix.length + 2) return undefined;
      if (decodeLiteral(data.slice(literalEnd + suffix.length, data.length - 1)) === undefined) return undefined;
    } else {
      literalEnd = data.length - suffix.length;
      if (!holdsAt(data, suffix, literalEnd)) return undefined;
    }
    return decodeLiteral(data.slice(prefix.length, literalEnd));
  }
}

/**
 * The text chunks of one stream read through their framing (`RepeatedTextFrame`), for a
 * provider's `JsonStreamEventParser`: `learn` after each parsed chunk, `read` before parsing one.
 */
export class RepeatedTextChunks {
  private readonly frame: RepeatedTextFrame;
  private choiceIndex = 0;

  constructor(key: string, paddingKey?: string) {
    this.frame = new RepeatedTextFrame(key, paddingKey);
  }

  /** The text event of a chunk framed as a learned one, else undefined. */
  read(data: string): StreamEvent | undefined {
    const text = this.frame.textOf(data);
    // An empty text makes no event when parsed; the parser is left to say so.
    return text === undefined || text === '' ? undefined : { type: 'text-delta', choiceIndex: this.choiceIndex, text };
  }

  /**
   * `events` are what parsing `data` gave; `plain` says the chunk changed nothing the parser
   * keeps (usage, a stream's start, a tool call) beyond giving them. Only a plain chunk that gave
   * one text event is learned from: a chunk framed as it means that event with another text.
   */
  learn(data: string, events: readonly StreamEvent[], plain: boolean): void {
    const event = events[0];
    if (!plain || events.length !== 1 || event?.type !== 'text-delta') return;
    this.frame.learn(data, event.text);
    this.choiceIndex = event.choiceIndex;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENING_BRACE = 0x7b;
const CLOSING_BRACE = 0x7d;
const COMMA = 0x2c;
const SPACE = 0x20;
/** What a literal's characters need decoding for, or make it no single literal: quotes, escapes, raw control characters. */
const NEEDS_PARSING = /["\\\u0000-\u001f]/;

/**
 * `text` holds `part` at `index`. Not `startsWith` or `endsWith`: on Node 20 they compare a long
 * part character by character, about ten times the cost of comparing a slice of the same length
 * (900 against 90 ns for the 155 characters of a chunk's framing before its text).
 */
function holdsAt(text: string, part: string, index: number): boolean {
  return text.slice(index, index + part.length) === part;
}

/** The index of the quote that closes the string literal opened at `start`, or -1. */
function closingQuoteAfter(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === BACKSLASH) index++;
    else if (code === QUOTE) return index;
  }
  return -1;
}

/** The string `literal` stands for when it is exactly one JSON string literal, else undefined. */
function decodeLiteral(literal: string): string | undefined {
  if (literal.length < 2 || literal.charCodeAt(0) !== QUOTE || literal.charCodeAt(literal.length - 1) !== QUOTE) return undefined;
  const inner = literal.slice(1, -1);
  if (!NEEDS_PARSING.test(inner)) return inner;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows a streamed response and gives its usage at the end: the upstream's own figures when
 * it sent any, otherwise a count of the streamed text with the tokenizer (`source: 'estimated'`).
 */
import type { ChatRequest } from '../core/chat-request.js';
import type { StreamEvent } from '../core/stream-event.js';
import type { Usage } from '../core/usage.js';
import { countTextTokens, estimatePromptTokens } from './estimate-tokens.js';

/** Text is held until the end so that tokens are counted across delta boundaries; past this
 * many characters it is counted up to its last whitespace, to keep memory small on long streams. */
const FOLD_THRESHOLD_CHARACTERS = 64 * 1024;

const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const BOUNDARY_SCAN_CHARACTERS = 16 * 1024;

/**
 * The index of the last space that sits between two word characters ("…word| next…"). The
 * tokenizer always splits there (the space starts the next token), so counting the two sides
 * apart gives the same total as counting the whole. 0 when there is none near the end.
 */
function lastWordBoundary(text: string): number {
  const scanFrom = Math.max(1, text.length - BOUNDARY_SCAN_CHARACTERS);
  let index = text.lastIndexOf(' ');
  while (index >= scanFrom) {
    if (WORD_CHARACTER.test(text[index - 1]!) && WORD_CHARACTER.test(text[index + 1] ?? '')) return index;
    index = text.lastIndexOf(' ', index - 1);
  }
  return 0;
}

class TextTokenAccumulator {
  private pieces: string[] = [];
  private pendingLength = 0;
  private countedTokens = 0;
  private foldAt = FOLD_THRESHOLD_CHARACTERS;

  add(text: string): void {
    if (text.length === 0) return;
    this.pieces.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= this.foldAt) this.fold();
  }

  get empty(): boolean {
    return this.countedTokens === 0 && this.pendingLength === 0;
  }

  total(): number {
    return this.countedTokens + countTextTokens(this.pieces.join(''));
  }

  private fold(): void {
    const text = this.pieces.join('');
    let cut = lastWordBoundary(text);
    // Text with no such boundary near its end (e.g. CJK, base64) is cut anyway once it is large:
    // a cut inside a token miscounts by at most a token or two, memory stays bounded.
    if (cut <= 0 && text.length >= FOLD_THRESHOLD_CHARACTERS * 4) cut = text.length - 1024;
    if (cut <= 0) {
      this.pieces = [text];
      this.foldAt = text.length + FOLD_THRESHOLD_CHARACTERS;
      return;
    }
    this.countedTokens += countTextTokens(text.slice(0, cut));
    const rest = text.slice(cut);
    this.pieces = [rest];
    this.pendingLength = rest.length;
    this.foldAt = FOLD_THRESHOLD_CHARACTERS;
  }
}

export interface StreamUsageCounterOptions {
  /** Prompt tokens already known (e.g. counted before sending); otherwise counted from `request`. */
  promptTokens?: number;
}

export class StreamUsageCounter {
  private readonly output = new TextTokenAccumulator();
  private readonly reasoning = new TextTokenAccumulator();
  private reported: Usage | null = null;
  private readonly request: ChatRequest | null;
  private readonly knownPromptTokens: number | undefined;

  constructor(request: ChatRequest | null, options: StreamUsageCounterOptions = {}) {
    this.request = request;
    this.knownPromptTokens = options.promptTokens;
  }

  /** Feeds one stream event; only content, tool calls and usage matter. */
  observe(event: StreamEvent): void {
    switch (event.type) {
      case 'text-delta':
      case 'refusal-delta':
        this.output.add(event.text);
        break;
      case 'reasoning-delta':
        this.reasoning.add(event.text);
        break;
      case 'tool-call-start':
        this.output.add(event.name);
        break;
      case 'tool-call-delta':
        this.output.add(event.argumentsDelta);
        break;
      case 'usage':
        // Upstreams may send usage more than once (running totals); the last one is final.
        this.reported = event.usage;
        break;
      default:
        break;
    }
  }

  /** Output text obtained some other way (e.g. a non-streaming body without usage). */
  addOutputText(text: string): void {
    this.output.add(text);
  }

  addReasoningText(text: string): void {
    this.reasoning.add(text);
  }

  get upstreamUsage(): Usage | null {
    return this.reported;
  }

  /** True once any output (text, reasoning or tool call) was streamed. */
  get producedOutput(): boolean {
    return !this.output.empty || !this.reasoning.empty;
  }

  /**
   * The usage of the whole response. Reasoning that the upstream streams as text is counted as
   * reasoning (and, as `Usage` requires, also inside output); hidden reasoning cannot be counted.
   */
  finish(): Usage {
    if (this.reported) return { ...this.reported };
    const reasoningTokens = this.reasoning.total();
    const inputTokens =
      this.knownPromptTokens ?? (this.request ? estimatePromptTokens(this.request) : 0);
    return {
      inputTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: this.output.total() + reasoningTokens,
      reasoningTokens,
      source: 'estimated',
    };
  }
}

import type { FinishReason } from '../../core/finish-reason.js';
import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { anthropicErrorBody } from './encode-anthropic-error.js';
import { encodeAnthropicUsage } from './encode-anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export interface MessagesStreamEncoderOptions {
  /** The gateway's generation id, the message's `id`. */
  id: string;
  /** The model name the client asked for. */
  model: string;
  /** Prompt tokens as estimated before the upstream answered, for `message_start`'s usage. */
  estimatedInputTokens?: number;
}

type OpenBlock =
  | { kind: 'text'; index: number }
  | { kind: 'thinking'; index: number }
  | { kind: 'redacted_thinking'; index: number }
  | { kind: 'tool'; index: number; toolIndex: number };

function frame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/**
 * Turns canonical stream events into Anthropic's Messages SSE events, in the order Anthropic
 * sends them: `message_start`, then per content block `content_block_start`, deltas and
 * `content_block_stop` (a `ping` after the first block opens), then `message_delta` and
 * `message_stop`. Blocks follow one another, never interleave: a delta of another kind closes
 * the open block and opens the next.
 *
 * Only choice 0 exists in this dialect. The final usage and cost are known only after the
 * upstream stream ends, so `message_delta` is written by `finish(usage, costUsd)`. An `error`
 * event writes one `event: error` and closes the encoder; no `message_stop` follows.
 */
export class MessagesStreamEncoder {
  private readonly options: MessagesStreamEncoderOptions;
  private started = false;
  private pinged = false;
  private closed = false;
  private nextIndex = 0;
  private openBlock: OpenBlock | undefined;
  private calledTools = false;
  private finishReason: FinishReason | undefined;
  private receivedUsage: Usage | undefined;

  constructor(options: MessagesStreamEncoderOptions) {
    this.options = options;
  }

  /** The usage the upstream reported during the stream, if it did. */
  get usage(): Usage | undefined {
    return this.receivedUsage;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  encode(event: StreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        return this.start();
      case 'text-delta':
      case 'refusal-delta':
        if (event.choiceIndex !== 0) return '';
        if (event.text === '') return this.start();
        return this.ensureBlock({ kind: 'text' }, '{"type":"text","text":""}') + this.delta(`{"type":"text_delta","text":${JSON.stringify(event.text)}}`);
      case 'reasoning-delta': {
        if (event.choiceIndex !== 0) return '';
        if (event.text === '' && event.signature === undefined && event.redacted === undefined) return this.start();
        let output = '';
        // Redacted thinking is a whole block of its own, sent in its `content_block_start`.
        if (event.redacted !== undefined) {
          output += this.ensureBlock({ kind: 'redacted_thinking' }, `{"type":"redacted_thinking","data":${JSON.stringify(event.redacted)}}`);
          output += this.closeBlock();
          if (event.text === '' && event.signature === undefined) return output;
        }
        output += this.ensureBlock({ kind: 'thinking' }, '{"type":"thinking","thinking":"","signature":""}');
        if (event.text !== '') output += this.delta(`{"type":"thinking_delta","thinking":${JSON.stringify(event.text)}}`);
        if (event.signature !== undefined) output += this.delta(`{"type":"signature_delta","signature":${JSON.stringify(event.signature)}}`);
        return output;
      }
      case 'tool-call-start':
        if (event.choiceIndex !== 0) return '';
        this.calledTools = true;
        if (this.openBlock?.kind === 'tool' && this.openBlock.toolIndex === event.toolIndex) return this.start();
        return this.ensureBlock(
          { kind: 'tool', toolIndex: event.toolIndex },
          `{"type":"tool_use","id":${JSON.stringify(event.id)},"name":${JSON.stringify(event.name)},"input":{}}`,
        );
      case 'tool-call-delta':
        // A delta for a call whose block is not the open one cannot be placed: blocks never reopen.
        if (event.choiceIndex !== 0 || event.argumentsDelta === '') return this.start();
        if (this.openBlock?.kind !== 'tool' || this.openBlock.toolIndex !== event.toolIndex) return this.start();
        return this.delta(`{"type":"input_json_delta","partial_json":${JSON.stringify(event.argumentsDelta)}}`);
      case 'finish':
        if (event.choiceIndex !== 0) return '';
        this.finishReason ??= event.finishReason;
        return this.start() + this.closeBlock();
      case 'usage':
        this.receivedUsage = event.usage;
        return '';
      case 'logprobs':
        return '';
      case 'error':
        this.closed = true;
        return frame('error', JSON.stringify(anthropicErrorBody(event.error)));
    }
  }

  /**
   * Ends the stream: closes the open block, then `message_delta` with the stop reason and the
   * usage to bill (defaults to the one received, `cost` in USD when known), then `message_stop`.
   */
  finish(usage: Usage | undefined = this.receivedUsage, costUsd: number | null = null): string {
    if (this.closed) return '';
    let output = this.start() + this.closeBlock();
    this.closed = true;
    const stopReason = mapAnthropicStopReason(this.finishReason ?? { unified: 'stop', raw: null }, this.calledTools);
    const delta = { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: encodeAnthropicUsage(usage, costUsd) };
    output += frame('message_delta', JSON.stringify(delta));
    return output + frame('message_stop', '{"type":"message_stop"}');
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const message = {
      id: this.options.id,
      type: 'message',
      role: 'assistant',
      model: this.options.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: this.options.estimatedInputTokens ?? 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: 0,
      },
    };
    return frame('message_start', JSON.stringify({ type: 'message_start', message }));
  }

  private ensureBlock(
    wanted: { kind: 'text' } | { kind: 'thinking' } | { kind: 'redacted_thinking' } | { kind: 'tool'; toolIndex: number },
    contentBlockJson: string,
  ): string {
    const open = this.openBlock;
    if (open !== undefined && open.kind === wanted.kind && (wanted.kind !== 'tool' || (open.kind === 'tool' && open.toolIndex === wanted.toolIndex))) {
      return '';
    }
    let output = this.start() + this.closeBlock();
    const index = this.nextIndex++;
    this.openBlock = wanted.kind === 'tool' ? { kind: 'tool', index, toolIndex: wanted.toolIndex } : { kind: wanted.kind, index };
    output += frame('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${contentBlockJson}}`);
    if (!this.pinged) {
      this.pinged = true;
      output += frame('ping', '{"type":"ping"}');
    }
    return output;
  }

  private delta(deltaJson: string): string {
    const index = (this.openBlock as OpenBlock).index;
    return frame('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${deltaJson}}`);
  }

  private closeBlock(): string {
    if (this.openBlock === undefined) return '';
    const index = this.openBlock.index;
    this.openBlock = undefined;
    return frame('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
  }
}

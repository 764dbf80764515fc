import { GatewayError, type StreamEvent } from '../../core/index.js';
import { RepeatedTextChunks, scrubSecrets } from '../http/index.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mergeAnthropicUsage, parseAnthropicUsage } from './parse-anthropic-usage.js';
import type { AnthropicErrorWire, AnthropicStreamEventWire, AnthropicUsageWire } from './anthropic-wire-types.js';

/**
 * Turns the events of one Messages stream into canonical events. Stateful: Anthropic numbers
 * content blocks across text, thinking and tool use, while canonical tool calls are numbered
 * among tool calls only, so the parser remembers which block index is which tool call.
 *
 * A `redacted_thinking` block arrives whole in its `content_block_start` and becomes one
 * `reasoning-delta` carrying its encrypted `data` as `redacted`.
 */
export class AnthropicStreamEventParser {
  private usage: AnthropicUsageWire | undefined;
  private readonly toolIndexByBlock = new Map<number, number>();
  private finished = false;
  private stopped = false;
  private readonly repeated = new RepeatedTextChunks('"text"');

  constructor(private readonly secrets: readonly string[] = []) {}

  /** True once `message_stop` arrived: the stream is complete. */
  get isComplete(): boolean {
    return this.stopped;
  }

  parse(event: AnthropicStreamEventWire): StreamEvent[] {
    switch (event.type) {
      case 'message_start': {
        const message = event.message ?? {};
        this.usage = message.usage ?? {};
        return [
          {
            type: 'start',
            ...(typeof message.id === 'string' ? { upstreamId: message.id } : {}),
            ...(typeof message.model === 'string' ? { model: message.model } : {}),
          },
        ];
      }
      case 'content_block_start':
        return this.startBlock(event);
      case 'content_block_delta':
        return this.delta(event);
      case 'message_delta': {
        if (event.usage !== undefined) this.usage = mergeAnthropicUsage(this.usage ?? {}, event.usage);
        const stopReason = event.delta?.stop_reason;
        if (stopReason === undefined || stopReason === null) return [];
        this.finished = true;
        return [{ type: 'finish', choiceIndex: 0, finishReason: mapAnthropicStopReason(stopReason) }];
      }
      case 'message_stop':
        this.stopped = true;
        return this.end();
      case 'error':
        return [{ type: 'error', error: this.streamError(event.error) }];
      default:
        // ping, content_block_stop and event types added later carry nothing canonical.
        return [];
    }
  }

  /** A text delta read without parsing, when it repeats the framing of one before it. */
  readRepeated(data: string): StreamEvent | undefined {
    return this.repeated.read(data);
  }

  learnFrom(data: string, events: readonly StreamEvent[]): void {
    // The events that give one text (a text block's start, a text delta) change nothing kept here.
    this.repeated.learn(data, events, true);
  }

  /** The usage, once, when the stream ends (normally at `message_stop`). */
  end(): StreamEvent[] {
    const usage = parseAnthropicUsage(this.usage);
    this.usage = undefined;
    return usage === undefined ? [] : [{ type: 'usage', usage }];
  }

  /** Whether a `message_delta` with a stop reason was seen. */
  get sawFinish(): boolean {
    return this.finished;
  }

  private startBlock(event: AnthropicStreamEventWire): StreamEvent[] {
    const block = event.content_block ?? {};
    const blockIndex = typeof event.index === 'number' ? event.index : 0;
    if (block.type === 'tool_use') {
      const toolIndex = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(blockIndex, toolIndex);
      return [{ type: 'tool-call-start', choiceIndex: 0, toolIndex, id: block.id ?? '', name: block.name ?? '' }];
    }
    if (block.type === 'text' && typeof block.text === 'string' && block.text !== '') {
      return [{ type: 'text-delta', choiceIndex: 0, text: block.text }];
    }
    if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      return [{ type: 'reasoning-delta', choiceIndex: 0, text: '', redacted: block.data }];
    }
    if (block.type === 'thinking' && typeof block.thinking === 'string' && block.thinking !== '') {
      return [{ type: 'reasoning-delta', choiceIndex: 0, text: block.thinking }];
    }
    return [];
  }

  private delta(event: AnthropicStreamEventWire): StreamEvent[] {
    const delta = event.delta ?? {};
    switch (delta.type) {
      case 'text_delta':
        return delta.text ? [{ type: 'text-delta', choiceIndex: 0, text: delta.text }] : [];
      case 'thinking_delta':
        return delta.thinking ? [{ type: 'reasoning-delta', choiceIndex: 0, text: delta.thinking }] : [];
      case 'signature_delta':
        return typeof delta.signature === 'string'
          ? [{ type: 'reasoning-delta', choiceIndex: 0, text: '', signature: delta.signature }]
          : [];
      case 'input_json_delta': {
        const toolIndex = this.toolIndexByBlock.get(typeof event.index === 'number' ? event.index : -1);
        if (toolIndex === undefined || !delta.partial_json) return [];
        return [{ type: 'tool-call-delta', choiceIndex: 0, toolIndex, argumentsDelta: delta.partial_json }];
      }
      default:
        return [];
    }
  }

  private streamError(error: AnthropicErrorWire | undefined): GatewayError {
    const kind = typeof error?.type === 'string' ? error.type : 'api_error';
    const text = typeof error?.message === 'string' ? scrubSecrets(error.message, this.secrets) : kind;
    if (kind === 'invalid_request_error') {
      return new GatewayError('invalid_request', `Upstream error during the stream: ${text}`, { retryElsewhere: false });
    }
    // overloaded_error (529), rate limits and api errors: another channel may succeed.
    const upstreamStatus = kind === 'overloaded_error' ? 529 : kind === 'rate_limit_error' ? 429 : undefined;
    return new GatewayError('upstream_error', `Upstream error during the stream (${kind}): ${text}`, {
      retryElsewhere: true,
      ...(upstreamStatus === undefined ? {} : { upstreamStatus }),
    });
  }
}

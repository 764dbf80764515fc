import type { StreamEvent, Usage } from '../../core/index.js';
import { mapResponsesError } from './map-responses-error.js';
import { mapResponsesFinishReason } from './map-responses-finish-reason.js';
import { parseResponsesUsage } from './parse-responses-usage.js';
import type { ResponsesOutputItemWire, ResponsesResponseWire, ResponsesStreamEventWire } from './openai-responses-wire-types.js';

interface ToolCallState {
  toolIndex: number;
  /** Whether any arguments were forwarded: if none were, the `done` event carries them whole. */
  streamedArguments: boolean;
}

/**
 * Turns the events of one Responses stream into canonical events. Stateful: function calls are
 * numbered among function calls only (output items also count messages and reasoning), and
 * argument deltas name their item by id, so the parser remembers which item is which call.
 */
export class ResponsesStreamEventParser {
  private readonly toolCalls = new Map<string, ToolCallState>();
  private usage: Usage | undefined;
  private complete = false;

  constructor(private readonly secrets: readonly string[] = []) {}

  /** True once `response.completed`, `response.incomplete` or `response.failed` arrived. */
  get isComplete(): boolean {
    return this.complete;
  }

  parse(event: ResponsesStreamEventWire): StreamEvent[] {
    switch (event.type) {
      case 'response.created':
        return [this.startOf(event.response ?? {})];
      case 'response.output_item.added':
        return event.item?.type === 'function_call' ? this.startToolCall(event.item, event.output_index) : [];
      case 'response.output_text.delta': {
        const events: StreamEvent[] = [];
        if (typeof event.delta === 'string' && event.delta !== '') events.push({ type: 'text-delta', choiceIndex: 0, text: event.delta });
        if (Array.isArray(event.logprobs) && event.logprobs.length > 0) {
          events.push({ type: 'logprobs', choiceIndex: 0, logprobs: { content: event.logprobs } });
        }
        return events;
      }
      case 'response.refusal.delta':
        return typeof event.delta === 'string' && event.delta !== '' ? [{ type: 'refusal-delta', choiceIndex: 0, text: event.delta }] : [];
      case 'response.function_call_arguments.delta':
        return this.argumentsDelta(event);
      case 'response.function_call_arguments.done':
        return this.argumentsDone(event);
      case 'response.reasoning_summary_part.added':
        // Summary parts are joined by a blank line, as in a non-streamed answer.
        return typeof event.summary_index === 'number' && event.summary_index > 0 ? [{ type: 'reasoning-delta', choiceIndex: 0, text: '\n\n' }] : [];
      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta':
        return typeof event.delta === 'string' && event.delta !== '' ? [{ type: 'reasoning-delta', choiceIndex: 0, text: event.delta }] : [];
      case 'response.output_item.done':
        return this.itemDone(event.item, event.output_index);
      case 'response.completed':
      case 'response.incomplete':
        return this.finish(event.response ?? {});
      case 'response.failed': {
        this.complete = true;
        this.usage = parseResponsesUsage(event.response?.usage) ?? this.usage;
        return [{ type: 'error', error: mapResponsesError(event.response?.error, this.secrets) }];
      }
      case 'error':
        this.complete = true;
        return [{ type: 'error', error: mapResponsesError(event, this.secrets) }];
      default:
        // in_progress, content_part and `…done` events repeat what the deltas already said.
        return [];
    }
  }

  /** The usage, once, at the end of the stream. */
  end(): StreamEvent[] {
    const usage = this.usage;
    this.usage = undefined;
    return usage === undefined ? [] : [{ type: 'usage', usage }];
  }

  private startOf(response: ResponsesResponseWire): StreamEvent {
    return {
      type: 'start',
      ...(typeof response.id === 'string' ? { upstreamId: response.id } : {}),
      ...(typeof response.model === 'string' ? { model: response.model } : {}),
      ...(typeof response.created_at === 'number' ? { created: response.created_at } : {}),
    };
  }

  private keyOf(itemId: string | undefined, outputIndex: number | undefined): string {
    return typeof itemId === 'string' && itemId !== '' ? itemId : `#${outputIndex ?? -1}`;
  }

  private startToolCall(item: ResponsesOutputItemWire, outputIndex: number | undefined): StreamEvent[] {
    const key = this.keyOf(item.id, outputIndex);
    if (this.toolCalls.has(key)) return [];
    const state: ToolCallState = { toolIndex: this.toolCalls.size, streamedArguments: false };
    this.toolCalls.set(key, state);
    // Keyed by output index too: a delta without an item id still finds its call.
    if (typeof outputIndex === 'number') this.toolCalls.set(`#${outputIndex}`, state);
    const events: StreamEvent[] = [
      { type: 'tool-call-start', choiceIndex: 0, toolIndex: state.toolIndex, id: item.call_id ?? item.id ?? '', name: item.name ?? '' },
    ];
    if (typeof item.arguments === 'string' && item.arguments !== '') {
      state.streamedArguments = true;
      events.push({ type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, argumentsDelta: item.arguments });
    }
    return events;
  }

  private toolCallOf(event: ResponsesStreamEventWire): ToolCallState | undefined {
    return this.toolCalls.get(this.keyOf(event.item_id, event.output_index)) ?? this.toolCalls.get(`#${event.output_index ?? -1}`);
  }

  private argumentsDelta(event: ResponsesStreamEventWire): StreamEvent[] {
    const state = this.toolCallOf(event);
    if (state === undefined || typeof event.delta !== 'string' || event.delta === '') return [];
    state.streamedArguments = true;
    return [{ type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, argumentsDelta: event.delta }];
  }

  private argumentsDone(event: ResponsesStreamEventWire): StreamEvent[] {
    const state = this.toolCallOf(event);
    if (state === undefined || state.streamedArguments || typeof event.arguments !== 'string' || event.arguments === '') return [];
    state.streamedArguments = true;
    return [{ type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, argumentsDelta: event.arguments }];
  }

  private itemDone(item: ResponsesOutputItemWire | undefined, outputIndex: number | undefined): StreamEvent[] {
    if (item === undefined) return [];
    if (item.type === 'function_call') {
      // A server that skipped `output_item.added` still announces the call here, whole.
      const known = this.toolCalls.get(this.keyOf(item.id, outputIndex));
      if (known !== undefined) return this.argumentsDone({ item_id: item.id, output_index: outputIndex, arguments: item.arguments ?? '' });
      return this.startToolCall(item, outputIndex);
    }
    if (item.type === 'reasoning' && typeof item.encrypted_content === 'string' && item.encrypted_content !== '') {
      return [{ type: 'reasoning-delta', choiceIndex: 0, text: '', signature: item.encrypted_content }];
    }
    return [];
  }

  private finish(response: ResponsesResponseWire): StreamEvent[] {
    this.complete = true;
    this.usage = parseResponsesUsage(response.usage) ?? this.usage;
    const hasFunctionCall = this.toolCalls.size > 0 || (response.output ?? []).some((item) => item.type === 'function_call');
    return [{ type: 'finish', choiceIndex: 0, finishReason: mapResponsesFinishReason(response, hasFunctionCall) }, ...this.end()];
  }
}

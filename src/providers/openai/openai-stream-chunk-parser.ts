import type { StreamEvent, Usage } from '../../core/index.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { parseOpenAIUsage } from './parse-openai-usage.js';
import type { OpenAIChatCompletionWire, OpenAIChoiceWire, OpenAIToolCallWire } from './openai-wire-types.js';

/**
 * Turns the `data:` chunks of one Chat Completions stream into canonical events. Stateful: it
 * remembers which tool calls have started, since a call's id and name arrive once and its
 * arguments then arrive in pieces keyed by the call's `index`.
 */
export class OpenAIStreamChunkParser {
  private started = false;
  private readonly startedToolCalls = new Set<string>();
  private latestUsage: Usage | undefined;

  /** Events for one parsed chunk. An `error` member is not handled here (see the stream reader). */
  parse(chunk: OpenAIChatCompletionWire): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      events.push({
        type: 'start',
        ...(typeof chunk.id === 'string' ? { upstreamId: chunk.id } : {}),
        ...(typeof chunk.model === 'string' ? { model: chunk.model } : {}),
        ...(typeof chunk.created === 'number' ? { created: chunk.created } : {}),
        ...(chunk.system_fingerprint === undefined ? {} : { systemFingerprint: chunk.system_fingerprint }),
      });
    }
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    choices.forEach((choice, position) => this.parseChoice(choice, position, events));
    // Some servers repeat a running total on several chunks: only the last one counts.
    const usage = parseOpenAIUsage(chunk.usage ?? chunk.x_groq?.usage);
    if (usage !== undefined) this.latestUsage = usage;
    return events;
  }

  /** The events that close a complete stream: the usage, once, after every choice finished. */
  end(): StreamEvent[] {
    return this.latestUsage === undefined ? [] : [{ type: 'usage', usage: this.latestUsage }];
  }

  private parseChoice(choice: OpenAIChoiceWire, position: number, events: StreamEvent[]): void {
    const choiceIndex = typeof choice.index === 'number' ? choice.index : position;
    const delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      events.push({ type: 'reasoning-delta', choiceIndex, text: reasoning });
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      events.push({ type: 'text-delta', choiceIndex, text: delta.content });
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      events.push({ type: 'refusal-delta', choiceIndex, text: delta.refusal });
    }
    (delta.tool_calls ?? []).forEach((call, callPosition) => this.parseToolCall(call, callPosition, choiceIndex, events));
    if (choice.logprobs !== undefined && choice.logprobs !== null) {
      events.push({ type: 'logprobs', choiceIndex, logprobs: choice.logprobs });
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      events.push({ type: 'finish', choiceIndex, finishReason: mapOpenAIFinishReason(choice.finish_reason) });
    }
  }

  private parseToolCall(call: OpenAIToolCallWire, position: number, choiceIndex: number, events: StreamEvent[]): void {
    // Some compatible servers send each call whole, without `index`: its position stands in.
    const toolIndex = typeof call.index === 'number' ? call.index : position;
    const key = `${choiceIndex}:${toolIndex}`;
    if (!this.startedToolCalls.has(key)) {
      this.startedToolCalls.add(key);
      events.push({
        type: 'tool-call-start',
        choiceIndex,
        toolIndex,
        id: call.id ?? '',
        name: call.function?.name ?? '',
      });
    }
    const argumentsDelta = call.function?.arguments;
    if (typeof argumentsDelta === 'string' && argumentsDelta !== '') {
      events.push({ type: 'tool-call-delta', choiceIndex, toolIndex, argumentsDelta });
    }
  }
}

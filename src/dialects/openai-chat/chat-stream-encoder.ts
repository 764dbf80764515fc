import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { encodeOpenAIUsage } from './encode-openai-usage.js';
import { openaiErrorBody } from './encode-openai-error.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';

export interface ChatStreamEncoderOptions {
  /** The gateway's generation id; every chunk carries it. */
  id: string;
  /** The model name the client asked for. */
  model: string;
  /** Unix seconds; every chunk carries the same value. */
  created: number;
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** The request used the legacy `functions` API: stream `function_call` deltas. */
  legacyFunctions?: boolean;
}

interface ChoiceState {
  finished: boolean;
  calledTools: boolean;
  /** Upstream tool index → OpenAI tool index, so that indexes are dense and in call order. */
  toolIndexes: Map<number, number> | undefined;
}

const roleDelta = '{"role":"assistant","content":"","refusal":null}';
const done = 'data: [DONE]\n\n';

/**
 * Turns canonical stream events into OpenAI `chat.completion.chunk` SSE frames.
 *
 * Each `encode` returns zero or more complete frames. Usage events are held back: the gateway
 * calls `finish(usage, costUsd)` once the stream has ended and the cost is known, which writes
 * the usage chunk (when the client asked for it) and `data: [DONE]`. An `error` event writes one
 * `data: {"error": …}` frame and closes the encoder; no `[DONE]` follows, so no client can take
 * the failed stream for a complete one.
 */
export class ChatStreamEncoder {
  private chunkPrefix: string;
  private readonly chunkSuffix: string;
  private readonly options: ChatStreamEncoderOptions;
  private readonly choices: Array<ChoiceState | undefined> = [];
  private receivedUsage: Usage | undefined;
  private closed = false;

  constructor(options: ChatStreamEncoderOptions) {
    this.options = options;
    this.chunkPrefix = this.buildPrefix(undefined);
    this.chunkSuffix = options.includeUsage ? ',"usage":null}\n\n' : '}\n\n';
  }

  /** The usage the upstream reported during the stream, if it did. */
  get usage(): Usage | undefined {
    return this.receivedUsage;
  }

  /** True once an error frame or the end of the stream has been written. */
  get isClosed(): boolean {
    return this.closed;
  }

  encode(event: StreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'start':
        if (event.systemFingerprint != null) this.chunkPrefix = this.buildPrefix(event.systemFingerprint);
        return this.open(0);
      case 'text-delta':
        if (event.text === '') return this.open(event.choiceIndex);
        return this.open(event.choiceIndex) + this.delta(event.choiceIndex, `{"content":${JSON.stringify(event.text)}}`);
      case 'reasoning-delta':
        // Redacted reasoning (`redacted`) is encrypted and unreadable; Chat Completions has no field
        // to carry it back, and not showing it loses nothing the client could use.
        if (event.text === '') return this.open(event.choiceIndex);
        return (
          this.open(event.choiceIndex) +
          this.delta(event.choiceIndex, `{"reasoning_content":${JSON.stringify(event.text)}}`)
        );
      case 'refusal-delta':
        if (event.text === '') return this.open(event.choiceIndex);
        return this.open(event.choiceIndex) + this.delta(event.choiceIndex, `{"refusal":${JSON.stringify(event.text)}}`);
      case 'tool-call-start':
        return this.open(event.choiceIndex) + this.toolCallStart(event.choiceIndex, event.toolIndex, event.id, event.name);
      case 'tool-call-delta':
        if (event.argumentsDelta === '') return this.open(event.choiceIndex);
        return this.open(event.choiceIndex) + this.toolCallDelta(event.choiceIndex, event.toolIndex, event.argumentsDelta);
      case 'logprobs':
        return (
          this.open(event.choiceIndex) +
          this.frame(
            `{"index":${event.choiceIndex},"delta":{},"logprobs":${JSON.stringify(event.logprobs ?? null)},"finish_reason":null}`,
          )
        );
      case 'finish': {
        const opened = this.open(event.choiceIndex);
        const state = this.choices[event.choiceIndex] as ChoiceState;
        if (state.finished) return opened;
        state.finished = true;
        const reason = mapOpenAIFinishReason(event.finishReason, this.options.legacyFunctions ?? false, state.calledTools);
        return opened + this.frame(`{"index":${event.choiceIndex},"delta":{},"logprobs":null,"finish_reason":"${reason}"}`);
      }
      case 'usage':
        this.receivedUsage = event.usage;
        return '';
      case 'error':
        this.closed = true;
        return `data: ${JSON.stringify(openaiErrorBody(event.error))}\n\n`;
    }
  }

  /**
   * Ends the stream: a finish chunk for any choice that never got one (so clients that insist on a
   * finish reason can still assemble the message), the usage chunk with `cost` when the client
   * asked for usage, then `data: [DONE]`. Pass the usage to bill (defaults to the one received).
   */
  finish(usage: Usage | undefined = this.receivedUsage, costUsd: number | null = null): string {
    if (this.closed) return '';
    this.closed = true;
    let output = this.choices.length === 0 ? this.open(0) : '';
    for (let index = 0; index < this.choices.length; index++) {
      const state = this.choices[index];
      if (state === undefined || state.finished) continue;
      state.finished = true;
      const reason = mapOpenAIFinishReason({ unified: 'stop', raw: null }, this.options.legacyFunctions ?? false, state.calledTools);
      output += this.frame(`{"index":${index},"delta":{},"logprobs":null,"finish_reason":"${reason}"}`);
    }
    if (this.options.includeUsage) {
      output += `data: ${this.chunkPrefix}"choices":[],"usage":${JSON.stringify(encodeOpenAIUsage(usage, costUsd))}}\n\n`;
    }
    return output + done;
  }

  private buildPrefix(systemFingerprint: string | undefined): string {
    const fingerprint = systemFingerprint === undefined ? '' : `"system_fingerprint":${JSON.stringify(systemFingerprint)},`;
    return `{"id":${JSON.stringify(this.options.id)},"object":"chat.completion.chunk","created":${Math.floor(this.options.created)},"model":${JSON.stringify(this.options.model)},${fingerprint}`;
  }

  private frame(choiceJson: string): string {
    return `data: ${this.chunkPrefix}"choices":[${choiceJson}]${this.chunkSuffix}`;
  }

  private delta(choiceIndex: number, deltaJson: string): string {
    return this.frame(`{"index":${choiceIndex},"delta":${deltaJson},"logprobs":null,"finish_reason":null}`);
  }

  /** The first chunk of every choice carries the role, as OpenAI's do. */
  private open(choiceIndex: number): string {
    if (this.choices[choiceIndex] !== undefined) return '';
    this.choices[choiceIndex] = { finished: false, calledTools: false, toolIndexes: undefined };
    return this.delta(choiceIndex, roleDelta);
  }

  private toolCallStart(choiceIndex: number, toolIndex: number, id: string, name: string): string {
    const state = this.choices[choiceIndex] as ChoiceState;
    const indexes = (state.toolIndexes ??= new Map());
    if (indexes.has(toolIndex)) return '';
    const openaiIndex = indexes.size;
    indexes.set(toolIndex, openaiIndex);
    state.calledTools = true;
    if (this.options.legacyFunctions) {
      // The legacy API has room for a single call per message.
      if (openaiIndex > 0) return '';
      return this.delta(choiceIndex, `{"function_call":{"name":${JSON.stringify(name)},"arguments":""}}`);
    }
    return this.delta(
      choiceIndex,
      `{"tool_calls":[{"index":${openaiIndex},"id":${JSON.stringify(id)},"type":"function","function":{"name":${JSON.stringify(name)},"arguments":""}}]}`,
    );
  }

  private toolCallDelta(choiceIndex: number, toolIndex: number, argumentsDelta: string): string {
    const state = this.choices[choiceIndex] as ChoiceState;
    const indexes = (state.toolIndexes ??= new Map());
    let openaiIndex = indexes.get(toolIndex);
    if (openaiIndex === undefined) {
      openaiIndex = indexes.size;
      indexes.set(toolIndex, openaiIndex);
      state.calledTools = true;
    }
    if (this.options.legacyFunctions) {
      if (openaiIndex > 0) return '';
      return this.delta(choiceIndex, `{"function_call":{"arguments":${JSON.stringify(argumentsDelta)}}}`);
    }
    return this.delta(
      choiceIndex,
      `{"tool_calls":[{"index":${openaiIndex},"function":{"arguments":${JSON.stringify(argumentsDelta)}}}]}`,
    );
  }
}

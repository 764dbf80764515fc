import type { FinishReason } from '../../core/finish-reason.js';
import type { StreamEvent } from '../../core/stream-event.js';
import type { Usage } from '../../core/usage.js';
import { outputItemId } from './output-item-ids.js';
import {
  buildResponseObject,
  statusFromFinish,
  type FunctionCallItem,
  type MessageItem,
  type OutputItem,
  type OutputRefusal,
  type OutputText,
  type ReasoningItem,
  type ResponseMeta,
  type ResponsesObject,
} from './responses-object.js';

type Open =
  | { kind: 'message'; index: number; item: MessageItem; part: OutputText | OutputRefusal | undefined }
  | { kind: 'reasoning'; index: number; item: ReasoningItem; text: string; signature: string | undefined }
  | { kind: 'function_call'; index: number; item: FunctionCallItem };

/**
 * Turns canonical stream events into Responses SSE events: `response.created` and
 * `response.in_progress` (from `begin`), then per output item `response.output_item.added`, its
 * parts and deltas, their `…done` events and `response.output_item.done`; `finish` closes what
 * is open and sends `response.completed` (or `response.incomplete`) with usage and `cost`.
 * One item is open at a time, as upstreams stream one block at a time; every event carries a
 * `sequence_number`. An `error` event becomes `response.failed` and closes the encoder.
 */
export class ResponsesStreamEncoder {
  private sequence = 0;
  private readonly items: OutputItem[] = [];
  private open: Open | undefined;
  private toolItems = new Map<number, number>();
  private finishReason: FinishReason | undefined;
  private receivedUsage: Usage | undefined;
  private closed = false;

  constructor(private readonly meta: ResponseMeta) {}

  /** Output items so far (all of them once `finish` ran): what a stored response keeps. */
  get output(): OutputItem[] {
    return this.items;
  }

  get usage(): Usage | undefined {
    return this.receivedUsage;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  begin(): string {
    const response = this.snapshot('in_progress');
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  encode(event: StreamEvent): string {
    if (this.closed) return '';
    switch (event.type) {
      case 'text-delta':
        if (event.choiceIndex !== 0 || event.text === '') return '';
        return this.textDelta('output_text', event.text);
      case 'refusal-delta':
        if (event.choiceIndex !== 0 || event.text === '') return '';
        return this.textDelta('refusal', event.text);
      case 'reasoning-delta':
        // Redacted reasoning (`redacted`) is another vendor's encrypted data: it is not shown, as it
        // is unreadable and cannot serve as this dialect's `encrypted_content` either.
        if (event.choiceIndex !== 0) return '';
        return this.reasoningDelta(event.text, event.signature);
      case 'tool-call-start':
        if (event.choiceIndex !== 0 || this.toolItems.has(event.toolIndex)) return '';
        return this.startToolCall(event.toolIndex, event.id, event.name);
      case 'tool-call-delta':
        if (event.choiceIndex !== 0 || event.argumentsDelta === '') return '';
        return this.toolCallDelta(event.toolIndex, event.argumentsDelta);
      case 'finish':
        if (event.choiceIndex === 0) this.finishReason = event.finishReason;
        return '';
      case 'usage':
        this.receivedUsage = event.usage;
        return '';
      case 'error': {
        this.closed = true;
        const output = this.closeOpen();
        const response = buildResponseObject(this.meta, { status: 'failed', output: this.items, error: event.error });
        return output + this.event('response.failed', { response });
      }
      case 'start':
      case 'logprobs':
        return '';
    }
  }

  /** Closes the open item and sends the final response event; pass the usage that was billed. */
  finish(usage: Usage | undefined = this.receivedUsage, costUsd: number | null = null): string {
    if (this.closed) return '';
    this.closed = true;
    const output = this.closeOpen();
    const { status, incompleteDetails } = statusFromFinish(this.finishReason);
    const response = buildResponseObject(this.meta, { status, output: this.items, incompleteDetails, usage, costUsd });
    return output + this.event(`response.${status}`, { response });
  }

  private snapshot(status: 'in_progress'): ResponsesObject {
    return buildResponseObject(this.meta, { status, output: [] });
  }

  /** `{ type, ...fields, sequence_number }` as JSON, put together as text: it is written for every delta. */
  private event(type: string, fields: Record<string, unknown>): string {
    const inner = JSON.stringify(fields).slice(1, -1);
    const data = `{"type":${JSON.stringify(type)},${inner === '' ? '' : `${inner},`}"sequence_number":${this.sequence++}}`;
    return `event: ${type}\ndata: ${data}\n\n`;
  }

  private addItem(item: OutputItem): { index: number; frames: string } {
    const index = this.items.length;
    this.items.push(item);
    return { index, frames: this.event('response.output_item.added', { output_index: index, item: structuredClone(item) }) };
  }

  private textDelta(kind: 'output_text' | 'refusal', text: string): string {
    let frames = '';
    if (this.open?.kind !== 'message') {
      frames += this.closeOpen();
      const item: MessageItem = { type: 'message', id: outputItemId('msg', this.meta.id, this.items.length), status: 'in_progress', role: 'assistant', content: [] };
      const added = this.addItem(item);
      frames += added.frames;
      this.open = { kind: 'message', index: added.index, item, part: undefined };
    }
    const open = this.open;
    if (open.part?.type !== kind) {
      frames += this.closePart(open);
      const part: OutputText | OutputRefusal =
        kind === 'output_text' ? { type: 'output_text', text: '', annotations: [], logprobs: [] } : { type: 'refusal', refusal: '' };
      open.part = part;
      frames += this.event('response.content_part.added', {
        item_id: open.item.id,
        output_index: open.index,
        content_index: open.item.content.length,
        part: structuredClone(part),
      });
    }
    const part = open.part;
    // Each delta's fields are written out, not spread from a shared position: adding fields after
    // a spread is V8's slow path (about 1 µs on Node 20), and this runs for every delta.
    const itemId = open.item.id;
    const contentIndex = open.item.content.length;
    if (part.type === 'output_text') {
      part.text += text;
      return frames + this.event('response.output_text.delta', { item_id: itemId, output_index: open.index, content_index: contentIndex, delta: text, logprobs: [] });
    }
    part.refusal += text;
    return frames + this.event('response.refusal.delta', { item_id: itemId, output_index: open.index, content_index: contentIndex, delta: text });
  }

  private reasoningDelta(text: string, signature: string | undefined): string {
    let frames = '';
    if (this.open?.kind !== 'reasoning') {
      if (text === '' && signature === undefined) return '';
      frames += this.closeOpen();
      const item: ReasoningItem = { type: 'reasoning', id: outputItemId('rs', this.meta.id, this.items.length), summary: [] };
      const added = this.addItem(item);
      frames += added.frames;
      this.open = { kind: 'reasoning', index: added.index, item, text: '', signature: undefined };
    }
    const open = this.open;
    if (signature !== undefined) open.signature = (open.signature ?? '') + signature;
    if (text === '') return frames;
    if (open.text === '') {
      frames += this.event('response.reasoning_summary_part.added', { item_id: open.item.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    open.text += text;
    return frames + this.event('response.reasoning_summary_text.delta', { item_id: open.item.id, output_index: open.index, summary_index: 0, delta: text });
  }

  private startToolCall(toolIndex: number, id: string, name: string): string {
    let frames = this.closeOpen();
    const item: FunctionCallItem = {
      type: 'function_call',
      id: outputItemId('fc', this.meta.id, this.items.length),
      call_id: id,
      name,
      arguments: '',
      status: 'in_progress',
    };
    const added = this.addItem(item);
    frames += added.frames;
    this.toolItems.set(toolIndex, added.index);
    this.open = { kind: 'function_call', index: added.index, item };
    return frames;
  }

  private toolCallDelta(toolIndex: number, delta: string): string {
    const open = this.open;
    // A call whose item is already done cannot grow; upstreams stream one call after another.
    if (open?.kind !== 'function_call' || this.toolItems.get(toolIndex) !== open.index) return '';
    open.item.arguments += delta;
    return this.event('response.function_call_arguments.delta', { item_id: open.item.id, output_index: open.index, delta });
  }

  private closePart(open: Extract<Open, { kind: 'message' }>): string {
    const part = open.part;
    if (part === undefined) return '';
    const position = { item_id: open.item.id, output_index: open.index, content_index: open.item.content.length };
    open.item.content.push(part);
    open.part = undefined;
    const done =
      part.type === 'output_text'
        ? this.event('response.output_text.done', { ...position, text: part.text, logprobs: [] })
        : this.event('response.refusal.done', { ...position, refusal: part.refusal });
    return done + this.event('response.content_part.done', { ...position, part: structuredClone(part) });
  }

  private closeOpen(): string {
    const open = this.open;
    if (open === undefined) return '';
    this.open = undefined;
    let frames = '';
    if (open.kind === 'message') {
      frames += this.closePart(open);
      open.item.status = 'completed';
    } else if (open.kind === 'reasoning') {
      if (open.text !== '') {
        const position = { item_id: open.item.id, output_index: open.index, summary_index: 0 };
        const part = { type: 'summary_text' as const, text: open.text };
        open.item.summary.push(part);
        frames += this.event('response.reasoning_summary_text.done', { ...position, text: open.text });
        frames += this.event('response.reasoning_summary_part.done', { ...position, part });
      }
      if (this.meta.includeEncryptedReasoning && open.signature !== undefined) open.item.encrypted_content = open.signature;
    } else {
      open.item.status = 'completed';
      frames += this.event('response.function_call_arguments.done', {
        item_id: open.item.id,
        output_index: open.index,
        name: open.item.name,
        arguments: open.item.arguments,
      });
    }
    return frames + this.event('response.output_item.done', { output_index: open.index, item: structuredClone(open.item) });
  }
}

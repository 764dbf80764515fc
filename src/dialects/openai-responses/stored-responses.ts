import type { Message } from '../../core/chat-request.js';
import { GatewayError } from '../../core/gateway-error.js';

export interface StoredResponsesOptions {
  /** How long a response can be continued with `previous_response_id`. */
  retentionMs?: number;
  /** The oldest responses are forgotten beyond this many. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  ownerAccountId: string;
  /** The whole conversation up to and including the response, without `instructions`. */
  messages: Message[];
  storedAt: number;
}

const defaultRetentionMs = 24 * 60 * 60 * 1000;
const defaultMaxEntries = 10_000;

/**
 * Responses kept for `previous_response_id`, in memory and bounded: they are lost on restart and
 * are not shared between gateway instances. Only the account that created a response can
 * continue it; to anyone else it does not exist.
 */
export class StoredResponses {
  private readonly entries = new Map<string, Entry>();
  private readonly retentionMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: StoredResponsesOptions = {}) {
    this.retentionMs = options.retentionMs ?? defaultRetentionMs;
    this.maxEntries = Math.max(1, options.maxEntries ?? defaultMaxEntries);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  save(responseId: string, ownerAccountId: string, messages: Message[]): void {
    this.entries.delete(responseId);
    this.entries.set(responseId, { ownerAccountId, messages, storedAt: this.now() });
    // A Map iterates in insertion order, so the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(key);
    }
  }

  /** The conversation of a stored response; `not_found` when unknown, expired or someone else's. */
  load(responseId: string, ownerAccountId: string): Message[] {
    const entry = this.entries.get(responseId);
    if (entry !== undefined && this.now() - entry.storedAt > this.retentionMs) this.entries.delete(responseId);
    if (entry === undefined || entry.ownerAccountId !== ownerAccountId || !this.entries.has(responseId)) {
      throw new GatewayError('not_found', `Previous response with id '${responseId}' not found.`, { param: 'previous_response_id' });
    }
    return entry.messages;
  }
}

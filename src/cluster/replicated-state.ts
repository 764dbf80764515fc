/**
 * State every worker keeps a full copy of, because reads of it are synchronous and must find what
 * another worker wrote: responses kept for `previous_response_id` (a client's next request may
 * land on another worker) and failed log-ins (a guesser must not get N times the attempts by
 * spreading them over connections). Each change goes to the primary as one note, and the
 * primary passes it on to every other worker.
 *
 * These notes are sent at once, not with the next batch, and the primary passes them on at once
 * too. Node's cluster hands each new connection to a worker over the same channel, so a
 * connection made after the note left reaches any worker after it: a response saved before its
 * answer is written is always found by the client's next request. A streamed response is saved
 * just after its last event, so a client that continues within that instant on another worker
 * can still miss it (see `docs/decisions/0007-workers.md`).
 */
import { LoginThrottle, type LoginThrottleOptions } from '../accounts/login-throttle.js';
import type { Message } from '../core/chat-request.js';
import { StoredResponses, type StoredResponsesOptions } from '../dialects/openai-responses/stored-responses.js';
import type { IpcPeer } from './ipc-peer.js';
import { LOGIN_FAILED, LOGIN_RESET, RESPONSE_SAVED } from './worker-protocol.js';

export class ReplicatedStoredResponses extends StoredResponses {
  constructor(
    private readonly primary: IpcPeer,
    options: StoredResponsesOptions = {},
  ) {
    super(options);
    primary.onNote(RESPONSE_SAVED, (payload) => {
      // The conversation travels as JSON text, so the primary passes it on without parsing it.
      const [responseId, ownerAccountId, messages] = payload as [string, string, string];
      super.save(responseId, ownerAccountId, JSON.parse(messages) as Message[]);
    });
  }

  override save(responseId: string, ownerAccountId: string, messages: Message[]): void {
    super.save(responseId, ownerAccountId, messages);
    this.primary.notify(RESPONSE_SAVED, [responseId, ownerAccountId, JSON.stringify(messages)]);
    this.primary.flush();
  }
}

export class ReplicatedLoginThrottle extends LoginThrottle {
  constructor(
    private readonly primary: IpcPeer,
    options: LoginThrottleOptions = {},
  ) {
    super(options);
    primary.onNote(LOGIN_FAILED, (key) => super.recordFailure(key as string));
    primary.onNote(LOGIN_RESET, (key) => super.reset(key as string));
  }

  override recordFailure(key: string): void {
    super.recordFailure(key);
    this.primary.notify(LOGIN_FAILED, key);
    this.primary.flush();
  }

  override reset(key: string): void {
    super.reset(key);
    this.primary.notify(LOGIN_RESET, key);
    this.primary.flush();
  }
}

/**
 * One end of the IPC channel between the primary process and a worker of `SWITCHYARD_WORKERS`:
 * calls that expect an answer, one-way notes, and the answers. Everything leaving in one turn of
 * the event loop goes out as one message, in the order it was sent, so a note sent before an
 * answer is always handled first on the other side (the writer barrier relies on it).
 *
 * Wire format (JSON, the cluster's default serialisation): `{ switchyard: Frame[] }` where a
 * frame is `['c', id, method, payload]` (call), `['r', id, payload]` (answer),
 * `['e', id, SerializedError]` (failed answer) or `['n', method, payload]` (note).
 */
import { GatewayError, isGatewayError, type GatewayErrorDetails } from '../core/index.js';
import type { ErrorCode } from '../core/error-catalogue.js';

type Frame = ['c', number, string, unknown] | ['r', number, unknown] | ['e', number, SerializedError] | ['n', string, unknown];

interface SerializedError {
  message: string;
  code?: ErrorCode;
  details?: GatewayErrorDetails;
}

export type CallHandler = (payload: unknown) => unknown;
export type NoteHandler = (payload: unknown) => void;

interface PendingCall {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export interface IpcPeerOptions {
  /** Hands one message to the channel (`process.send` or `worker.send`). */
  send: (message: unknown) => void;
  /** A handler failed on a note, or a frame could not be handled. */
  onError?: (error: unknown) => void;
}

/** Thrown by calls whose peer went away before answering. */
export class PeerGoneError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PeerGoneError';
  }
}

export class IpcPeer {
  private readonly calls = new Map<string, CallHandler>();
  private readonly notes = new Map<string, NoteHandler>();
  private readonly pending = new Map<number, PendingCall>();
  private outgoing: Frame[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private gone: string | null = null;

  constructor(private readonly options: IpcPeerOptions) {}

  /** Answers calls of `method`; the handler may return a promise. */
  onCall(method: string, handler: CallHandler): void {
    this.calls.set(method, handler);
  }

  onNote(method: string, handler: NoteHandler): void {
    this.notes.set(method, handler);
  }

  call<T>(method: string, payload: unknown = null): Promise<T> {
    if (this.gone !== null) return Promise.reject(new PeerGoneError(this.gone));
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    this.enqueue(['c', id, method, payload]);
    return answer;
  }

  notify(method: string, payload: unknown = null): void {
    if (this.gone !== null) return;
    this.enqueue(['n', method, payload]);
  }

  /** Feed every message of the channel here; messages that are not ours are ignored. */
  receive(message: unknown): void {
    const frames = (message as { switchyard?: unknown } | null)?.switchyard;
    if (!Array.isArray(frames)) return;
    for (const frame of frames as Frame[]) {
      try {
        this.handleFrame(frame);
      } catch (error) {
        this.report(error);
      }
    }
  }

  /** The other side is gone: calls waiting for it fail, later ones fail at once. */
  close(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    this.outgoing = [];
    for (const call of this.pending.values()) call.reject(new PeerGoneError(reason));
    this.pending.clear();
  }

  get isGone(): boolean {
    return this.gone !== null;
  }

  /** Sends what is queued now instead of at the end of this turn. */
  flush(): void {
    this.flushScheduled = false;
    if (this.outgoing.length === 0 || this.gone !== null) return;
    const frames = this.outgoing;
    this.outgoing = [];
    try {
      this.options.send({ switchyard: frames });
    } catch (error) {
      // The channel closed under us; the owner learns it from the channel's own events.
      this.report(error);
    }
  }

  private enqueue(frame: Frame): void {
    this.outgoing.push(frame);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private handleFrame(frame: Frame): void {
    switch (frame[0]) {
      case 'c':
        this.answer(frame[1], frame[2], frame[3]);
        return;
      case 'r':
        this.settleCall(frame[1], (call) => call.resolve(frame[2]));
        return;
      case 'e':
        this.settleCall(frame[1], (call) => call.reject(deserializeError(frame[2])));
        return;
      case 'n': {
        const handler = this.notes.get(frame[1]);
        if (!handler) throw new Error(`no handler for the note ${frame[1]}`);
        handler(frame[2]);
        return;
      }
    }
  }

  private answer(id: number, method: string, payload: unknown): void {
    const handler = this.calls.get(method);
    if (!handler) {
      this.enqueue(['e', id, { message: `no handler for the call ${method}` }]);
      return;
    }
    let result: unknown;
    try {
      result = handler(payload);
    } catch (error) {
      this.enqueue(['e', id, serializeError(error)]);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value: unknown) => this.gone === null && this.enqueue(['r', id, value ?? null]),
        (error: unknown) => this.gone === null && this.enqueue(['e', id, serializeError(error)]),
      );
    } else {
      this.enqueue(['r', id, result ?? null]);
    }
  }

  private settleCall(id: number, settle: (call: PendingCall) => void): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    settle(call);
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing logger must not break the channel.
    }
  }
}

function serializeError(error: unknown): SerializedError {
  if (isGatewayError(error)) return { message: error.message, code: error.code, details: error.details };
  return { message: error instanceof Error ? error.message : String(error) };
}

/** A gateway error comes back as the same gateway error (402, 429…); anything else as an Error. */
function deserializeError(error: SerializedError): Error {
  if (error.code !== undefined) return new GatewayError(error.code, error.message, error.details ?? {});
  return new Error(error.message);
}

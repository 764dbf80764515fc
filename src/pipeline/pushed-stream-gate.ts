import type { OpenedStream, StreamEvent, StreamEventPush, StreamEventPushSource, StreamEventSink } from '../core/index.js';
import { pullPushedEvents } from './pull-pushed-events.js';

/**
 * Told once a stream has committed (its first event other than `start` was read), before its
 * opening settles. It must not throw.
 */
export type StreamCommitListener = (events: AsyncIterable<StreamEvent>) => void;

/**
 * `openStreamPastFirstEvent` for a reader that pushes. The reader's events come here from the
 * start. Up to the first event other than `start` they are kept; an error before it rejects, so
 * the next channel is tried. That event commits the stream: `onCommit` hears of it at once, from
 * within the reader's own callback, and a consumer that attaches its sink there (`pushTo`) is
 * given the kept events in the same call. The first content then reaches the client with no
 * promise settled in between; after a silence every step of that chain ran cold (decision 0019).
 *
 * Afterwards each event goes straight from the reader to the consumer's sink, `observe` (the
 * meter) seeing it on the way, as before.
 */
export function gatePushedStream(
  source: StreamEventPushSource,
  observe: (event: StreamEvent) => void,
  onCommit: StreamCommitListener | undefined,
): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const gate = new PushedStreamGate(observe, onCommit, resolve, reject);
    gate.listenTo(source);
  });
}

class PushedStreamGate implements StreamEventSink, StreamEventPushSource, AsyncIterable<StreamEvent> {
  /** Events read and not yet given to the consumer: those before the commit, or while none listened. */
  private kept: StreamEvent[] = [];
  private keptIndex = 0;
  private upstream: StreamEventPush | null = null;
  private consumer: StreamEventSink | null = null;
  private committed = false;
  /** The consumer stopped, the stream failed to open, or it has been told its end. */
  private closed = false;
  /** What the reader said after the kept events: they go to the consumer first. */
  private pendingEnd = false;
  private pendingFailure: { error: unknown } | null = null;
  /** Within `onCommit`: a sink attached now is given the kept events once it returns. */
  private committing = false;

  constructor(
    private readonly observe: (event: StreamEvent) => void,
    private readonly onCommit: StreamCommitListener | undefined,
    private readonly resolve: (opened: OpenedStream) => void,
    private readonly reject: (error: unknown) => void,
  ) {}

  listenTo(source: StreamEventPushSource): void {
    // The reader delivers from a later turn only, so this is set before any event comes.
    this.upstream = source.pushTo(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    return pullPushedEvents(this);
  }

  // The consumer's side.

  pushTo(sink: StreamEventSink): StreamEventPush {
    this.consumer = sink;
    // Attached while committing, the kept events follow as soon as `onCommit` returns; attached
    // later, from the next microtask, since nothing is delivered from within `pushTo`.
    if (!this.committing) queueMicrotask(() => this.resumeConsumer(false));
    return { resume: () => this.resumeConsumer(false), stop: () => this.stop() };
  }

  // The reader's side.

  event(event: StreamEvent): boolean {
    if (this.closed) return false;
    if (!this.committed) {
      if (event.type === 'error') {
        this.closed = true;
        this.upstream?.stop();
        this.reject(event.error);
        return false;
      }
      this.kept.push(event);
      return event.type === 'start' ? true : this.commit();
    }
    const consumer = this.consumer;
    if (consumer === null || this.keptIndex < this.kept.length) {
      this.kept.push(event);
      return false;
    }
    this.observe(event);
    return consumer.event(event);
  }

  end(): void {
    if (this.closed) return;
    this.pendingEnd = true;
    // A stream that ended before producing anything is passed on as it is: empty.
    if (!this.committed) this.commit();
    else if (this.consumer !== null && this.keptIndex === this.kept.length) this.endConsumer();
  }

  fail(error: unknown): void {
    if (this.closed) return;
    if (!this.committed) {
      this.closed = true;
      this.reject(error);
      return;
    }
    // A sink threw: what was kept no longer matters.
    this.pendingFailure = { error };
    if (this.consumer !== null) this.failConsumer();
  }

  flush(): void {
    if (!this.closed && this.consumer !== null && this.keptIndex === this.kept.length) this.consumer.flush?.();
  }

  /** Whether the reader may go on delivering at once. */
  private commit(): boolean {
    this.committed = true;
    this.resolve({ events: this });
    this.committing = true;
    try {
      this.onCommit?.(this);
    } finally {
      this.committing = false;
    }
    if (this.consumer === null) return false;
    return this.resumeConsumer(true);
  }

  /**
   * Gives the consumer the kept events, then whatever the reader said after them; whether it
   * takes more. Called from within the reader's delivery (`fromReader`), it lets the reader go on
   * by returning true; otherwise it asks the reader, held until now, to resume.
   */
  private resumeConsumer(fromReader: boolean): boolean {
    const consumer = this.consumer;
    if (this.closed || consumer === null) return false;
    while (this.keptIndex < this.kept.length) {
      const event = this.kept[this.keptIndex++]!;
      this.observe(event);
      let more: boolean;
      try {
        more = consumer.event(event);
      } catch (error) {
        this.stop();
        consumer.fail(error);
        return false;
      }
      if (this.closed) return false;
      if (!more) return false;
    }
    this.kept = [];
    this.keptIndex = 0;
    if (this.pendingFailure !== null) {
      this.failConsumer();
      return false;
    }
    if (this.pendingEnd) {
      this.endConsumer();
      return false;
    }
    // No flush here. Within the reader's delivery, the events after these in the same upstream
    // read leave with them once it returns (the writer uncorks on the next tick, before the
    // opening's promises run); a resumed reader flushes once it has delivered what it held.
    if (!fromReader) this.upstream?.resume();
    return true;
  }

  private endConsumer(): void {
    this.closed = true;
    this.consumer!.end();
  }

  private failConsumer(): void {
    this.closed = true;
    this.consumer!.fail(this.pendingFailure!.error);
  }

  private stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.kept = [];
    this.keptIndex = 0;
    this.upstream?.stop();
  }
}

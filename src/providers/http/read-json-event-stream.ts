import { GatewayError, type StreamEvent, type StreamEventPush, type StreamEventPushSource, type StreamEventSink } from '../../core/index.js';
import type { OpenedUpstreamResponse } from './send-upstream-request.js';
import { ServerSentEventDecoder, type ServerSentEvent } from './server-sent-event-decoder.js';

/** Turns one provider's stream events (JSON objects) into canonical events. */
export interface JsonStreamEventParser<Wire> {
  parse(event: Wire): StreamEvent[];
  /** The events still owed at the end (usage, finish), once. */
  end(): StreamEvent[];
  /** The provider said the stream is over. */
  readonly isComplete: boolean;
  /**
   * The event of a `data:` line told apart without parsing it (a chunk that repeats the framing
   * of one before it around a new text, `repeated-text-frame.ts`), else undefined: it is parsed.
   */
  readRepeated?(data: string): StreamEvent | undefined;
  /** Told of each line that was parsed, with its events, after `parse`. */
  learnFrom?(data: string, events: readonly StreamEvent[]): void;
}

export function streamCutError(): GatewayError {
  return new GatewayError('upstream_error', 'Upstream closed the stream before it was complete', { retryElsewhere: true });
}

/** Past this many events waiting for the consumer, the upstream body is paused. */
const pauseAboveQueuedEvents = 256;
/** What may follow the last event and still be read, so the connection goes back to the pool. */
const drainLimitBytes = 64 * 1024;

/**
 * The canonical events of an opened stream whose `data:` lines are JSON objects ending with a
 * completion event of their own (Anthropic Messages, OpenAI Responses) or with a data line of
 * its own (`endMarker`: Chat Completions' `[DONE]`). Lines that are not JSON objects are
 * skipped. Never throws: a failure becomes one final `error` event, after the usage known so
 * far. When the caller aborts, the events end quietly; when the consumer stops early, the
 * upstream body is destroyed.
 *
 * Events are pushed from the body's `data` handler into a queue that the consumer's `next`
 * reads, instead of being pulled through stacked async generators: an idle stream then waits on
 * one promise rather than several per layer, which keeps thousands of long streams cheap. The
 * iterator can also push (`pushTo`): then it waits on none, each event going straight to the
 * consumer's sink.
 */
export function readJsonEventStream<Wire>(
  opened: OpenedUpstreamResponse,
  parser: JsonStreamEventParser<Wire>,
  options: { endMarker?: string } = {},
): AsyncIterable<StreamEvent> {
  return { [Symbol.asyncIterator]: () => new PushedJsonEvents(opened, parser, options.endMarker) };
}

class PushedJsonEvents<Wire> implements AsyncIterator<StreamEvent>, StreamEventPushSource {
  private queue: StreamEvent[] = [];
  private head = 0;
  private waiting: ((result: IteratorResult<StreamEvent>) => void) | null = null;
  private ended = false;
  private paused = false;
  private drainedBytes = 0;
  private readonly decoder: ServerSentEventDecoder;
  /** The consumer's sink, with `pushTo`; events go to it instead of through `next`. */
  private sink: StreamEventSink | null = null;
  /** The sink asked for no more until `resume` (or has not been given any yet). */
  private sinkHeld = false;
  /** The sink's consumer stopped, or was told the end: it hears nothing more. */
  private sinkDone = false;

  constructor(
    private readonly opened: OpenedUpstreamResponse,
    private readonly parser: JsonStreamEventParser<Wire>,
    private readonly endMarker: string | undefined,
  ) {
    this.decoder = new ServerSentEventDecoder((message) => this.onMessage(message));
    const body = opened.body;
    body.on('data', (chunk: Uint8Array) => this.onData(chunk));
    body.on('end', () => this.onBodyEnd());
    body.on('error', (error: unknown) => this.onBodyFailure(error));
    body.on('close', () => this.onBodyFailure(body.errored ?? new Error('the upstream body closed before its end')));
    body.resume();
  }

  /** Events go to `sink` from a later turn on, those read before first. */
  pushTo(sink: StreamEventSink): StreamEventPush {
    this.sink = sink;
    this.sinkHeld = true;
    queueMicrotask(() => this.resumeSink());
    return { resume: () => this.resumeSink(), stop: () => this.stopSink() };
  }

  /** One call at a time, as `for await` makes them. */
  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.head < this.queue.length) return Promise.resolve({ done: false, value: this.take() });
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  /** The consumer stops early: an unfinished upstream is cut, a finished one drains on. */
  return(): Promise<IteratorResult<StreamEvent>> {
    this.queue = [];
    this.head = 0;
    if (!this.ended) this.finish(false);
    return Promise.resolve({ done: true, value: undefined });
  }

  private take(): StreamEvent {
    const event = this.queue[this.head++]!;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.paused && !this.ended) {
        this.paused = false;
        this.opened.body.resume();
      }
    }
    return event;
  }

  private emit(event: StreamEvent): void {
    const sink = this.sink;
    if (sink !== null) {
      if (this.sinkDone) return;
      if (this.sinkHeld || this.head < this.queue.length) this.queue.push(event);
      else if (!this.deliver(sink, event)) this.holdSink();
      return;
    }
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting({ done: false, value: event });
    } else {
      this.queue.push(event);
    }
  }

  private emitAll(events: StreamEvent[]): void {
    for (const event of events) this.emit(event);
  }

  private onData(chunk: Uint8Array): void {
    if (this.ended) {
      this.drainedBytes += chunk.length;
      if (this.drainedBytes > drainLimitBytes) this.opened.body.destroy();
      return;
    }
    try {
      this.decoder.feed(chunk);
    } catch (error) {
      this.onBodyFailure(error);
      return;
    }
    if (!this.ended && !this.paused && this.queue.length - this.head > pauseAboveQueuedEvents) {
      this.paused = true;
      this.opened.body.pause();
    }
  }

  private onMessage(message: ServerSentEvent): void {
    // Events after the end (in the same network chunk) are what a drain would skip.
    if (this.ended) return;
    if (this.endMarker !== undefined && message.data.trim() === this.endMarker) {
      this.emitAll(this.parser.end());
      this.finish(true);
      return;
    }
    const parser = this.parser;
    if (parser.readRepeated !== undefined) {
      const repeated = parser.readRepeated(message.data);
      if (repeated !== undefined) return this.emit(repeated);
    }
    let event: Wire;
    try {
      event = JSON.parse(message.data) as Wire;
    } catch {
      return;
    }
    if (typeof event !== 'object' || event === null) return;
    const events = parser.parse(event);
    parser.learnFrom?.(message.data, events);
    for (const streamEvent of events) {
      if (streamEvent.type === 'error') {
        // The error must be the last event: the usage so far goes first.
        this.emitAll(parser.end());
        this.emit(streamEvent);
        this.finish(false);
        return;
      }
      this.emit(streamEvent);
    }
    if (parser.isComplete) this.finish(true);
  }

  private onBodyEnd(): void {
    if (this.ended) return;
    try {
      this.decoder.end();
    } catch (error) {
      return this.onBodyFailure(error);
    }
    if (this.ended) return;
    if (this.opened.isCallerAborted()) return this.finish(false);
    this.emitAll(this.parser.end());
    this.emit({ type: 'error', error: streamCutError() });
    this.finish(false);
  }

  private onBodyFailure(error: unknown): void {
    if (this.ended) return;
    if (this.opened.isCallerAborted()) return this.finish(false);
    this.emitAll(this.parser.end());
    const mapped = this.opened.mapFailure(error);
    this.emit({ type: 'error', error: mapped.code === 'upstream_timeout' ? mapped : streamCutError() });
    this.finish(false);
  }

  /** The consumer cannot take more now: the upstream waits too, as it does for a slow `next`. */
  private holdSink(): void {
    this.sinkHeld = true;
    if (!this.ended && !this.paused) {
      this.paused = true;
      this.opened.body.pause();
    }
  }

  private resumeSink(): void {
    const sink = this.sink;
    if (sink === null || this.sinkDone) return;
    this.sinkHeld = false;
    this.deliverQueued(sink);
    this.flushSink();
  }

  private deliverQueued(sink: StreamEventSink): void {
    while (this.head < this.queue.length) {
      if (!this.deliver(sink, this.take())) return this.holdSink();
      if (this.sinkDone) return;
    }
    if (this.ended) return this.endSink();
    if (this.paused) {
      this.paused = false;
      this.opened.body.resume();
    }
  }

  /**
   * What the sink was given from the queue goes out now, not at the end of the turn: for a
   * stream's first events, the whole opening settles behind them. Not after each body chunk: one
   * socket read often carries several, and their events leave together at the end of the turn.
   */
  private flushSink(): void {
    const sink = this.sink;
    if (sink === null) return;
    try {
      sink.flush?.();
    } catch (error) {
      this.stopSink();
      sink.fail(error);
    }
  }

  /**
   * One event to the sink. What the sink throws must not escape into the body's event handlers
   * (or a microtask), where it would end the process: the stream stops and the sink is told.
   */
  private deliver(sink: StreamEventSink, event: StreamEvent): boolean {
    try {
      return sink.event(event);
    } catch (error) {
      this.stopSink();
      sink.fail(error);
      return false;
    }
  }

  private endSink(): void {
    if (this.sinkDone) return;
    this.sinkDone = true;
    this.sink!.end();
  }

  private stopSink(): void {
    if (this.sinkDone) return;
    this.sinkDone = true;
    this.queue = [];
    this.head = 0;
    if (!this.ended) this.finish(false);
  }

  /** No more events: a completed body drains on, any other is cut. */
  private finish(completed: boolean): void {
    // A pushed consumer may stop the stream from inside an event, before the reader finishes it.
    if (this.ended) return;
    this.ended = true;
    this.opened.dispose();
    const body = this.opened.body;
    if (completed) {
      // Reading what little follows the last event lets the connection go back to the pool.
      if (this.paused) body.resume();
    } else if (!body.destroyed) {
      body.destroy();
    }
    this.paused = false;
    if (this.sink !== null) {
      if (!this.sinkHeld && this.head === this.queue.length) this.endSink();
      return;
    }
    const waiting = this.waiting;
    if (waiting !== null) {
      this.waiting = null;
      waiting({ done: true, value: undefined });
    }
  }
}

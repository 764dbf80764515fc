import type { ServerResponse } from 'node:http';

/** An SSE comment: clients ignore it, proxies see traffic. */
const keepAliveFrame = ': keep-alive\n\n';
/** A burst this long is sent at once rather than at the end of the turn. */
const sendAtPendingLength = 64 * 1024;

/**
 * Writes server-sent events to a raw response, honouring back-pressure: when the socket's buffer
 * is full, `write` waits for it to drain instead of letting memory grow with a slow client.
 * With `keepAlive`, a comment goes out whenever nothing was written for the interval.
 */
export class SseWriter {
  private closed = false;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  /** Frames of the current burst, not yet handed to the response. */
  private pending = '';
  private sendScheduled = false;
  /** Set when the events have ended: what is pending waits for `end`, which sends it all. */
  private holdingForEnd = false;
  private readonly sendPending = () => {
    this.sendScheduled = false;
    if (this.holdingForEnd || this.pending === '') return;
    const frames = this.pending;
    this.pending = '';
    if (this.isClosed) return;
    // Corked around the write, so that it reaches the socket now: on its own, a response's write
    // corks the socket until the next tick, and the burst is over already.
    this.response.cork();
    this.response.write(frames);
    this.response.uncork();
  };

  constructor(private readonly response: ServerResponse) {
    response.once('close', () => {
      this.closed = true;
      this.stopKeepAlive();
    });
  }

  /**
   * Writes the headers. With `flush`, they leave at once, so the client learns the stream is
   * open before anything else comes; without, they leave with the first events (one packet, and
   * one wake-up of the client, fewer), for a caller that has those events in hand already.
   */
  open(headers: Record<string, string>, options: { flush?: boolean } = {}): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    if (options.flush !== false) this.response.flushHeaders();
  }

  /**
   * Sends `: keep-alive` after every `intervalMs` without a write (0 or less: never), so that
   * proxies and load balancers do not cut a stream whose upstream is silent, e.g. while reasoning.
   */
  keepAlive(intervalMs: number): void {
    if (intervalMs <= 0 || this.keepAliveTimer !== undefined || this.isClosed) return;
    this.keepAliveTimer = setTimeout(() => this.sendKeepAlive(), intervalMs);
  }

  get isClosed(): boolean {
    return this.closed || this.response.destroyed;
  }

  /** Writes, and waits while the client is not reading. */
  async write(frames: string): Promise<void> {
    if (!this.writeNow(frames)) await this.whenDrained();
  }

  /**
   * Writes without waiting; false when the client is not reading (wait for `whenDrained`).
   *
   * Events that arrive together (one upstream read often carries several) leave as one write of
   * the response, once the current burst of work is done: each write of a response costs its own
   * chunk header and bookkeeping, about 1.5 µs, where joining the frames costs little. The client
   * not reading shows one burst late, which a burst's bound keeps small.
   */
  writeNow(frames: string): boolean {
    if (frames.length === 0 || this.isClosed) return true;
    // Each write restarts the silence; refreshing a timer does not allocate.
    this.keepAliveTimer?.refresh();
    this.pending += frames;
    if (this.pending.length >= sendAtPendingLength && !this.holdingForEnd) this.sendPending();
    else if (!this.sendScheduled) {
      this.sendScheduled = true;
      process.nextTick(this.sendPending);
    }
    return !this.response.writableNeedDrain;
  }

  /**
   * Sends what is pending now, for a caller that knows its burst is over (the events read before
   * the stream was handed over): otherwise it leaves when the turn's microtasks are done, which
   * for a stream's first events (the whole opening settling behind them) took tens of µs more.
   */
  flush(): void {
    this.sendPending();
  }

  /** Resolves once the client has taken what was written, or has gone. */
  whenDrained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  /**
   * The events are over and `end` follows once the request is settled: what this turn wrote stays
   * pending until then, so the last events and the closing frames leave in one socket write (one
   * wake-up of the client) instead of two. The closing frames wait for the journal anyway.
   */
  holdUntilEnd(): void {
    this.holdingForEnd = true;
  }

  end(frames = ''): void {
    this.stopKeepAlive();
    this.holdingForEnd = false;
    const held = this.pending;
    this.pending = '';
    if (this.isClosed) return;
    // Anything held goes out with the closing frames, in the one write of `end`.
    this.response.end(held + frames);
  }

  private sendKeepAlive(): void {
    if (this.isClosed || this.keepAliveTimer === undefined) return;
    // A client that is not reading already has bytes in flight; piling comments on it helps no one.
    if (!this.response.writableNeedDrain) this.response.write(keepAliveFrame);
    this.keepAliveTimer.refresh();
  }

  private stopKeepAlive(): void {
    clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }
}

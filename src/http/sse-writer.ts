import type { ServerResponse } from 'node:http';

/**
 * Writes server-sent events to a raw response, honouring back-pressure: when the socket's buffer
 * is full, `write` waits for it to drain instead of letting memory grow with a slow client.
 */
export class SseWriter {
  private closed = false;

  constructor(private readonly response: ServerResponse) {
    response.once('close', () => {
      this.closed = true;
    });
  }

  open(headers: Record<string, string>): void {
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...headers,
    });
    // Send the headers now: the client learns the stream is open before the first token.
    this.response.flushHeaders();
  }

  get isClosed(): boolean {
    return this.closed || this.response.destroyed;
  }

  async write(frames: string): Promise<void> {
    if (frames.length === 0 || this.isClosed) return;
    if (this.response.write(frames)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }

  end(frames = ''): void {
    if (this.isClosed) return;
    this.response.end(frames);
  }
}

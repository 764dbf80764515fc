/**
 * The part of a `ServerResponse` that `SseWriter` uses, recording what was written. With `full`,
 * each write reports a full socket buffer, as a client that is not reading makes it, and the
 * response needs a drain; `drain()` lets the writer go on.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

export class RecordingResponse extends EventEmitter {
  written: string[] = [];
  destroyed = false;
  writableNeedDrain = false;
  ended = false;
  full = false;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  cork(): void {}
  uncork(): void {}
  write(frames: string): boolean {
    this.written.push(frames);
    if (this.full) this.writableNeedDrain = true;
    return !this.full;
  }
  /** The client read everything: writes go through again. */
  drain(): void {
    this.full = false;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
  /** Everything written, as the client reads it. */
  get text(): string {
    return this.written.join('');
  }
  end(frames = ''): void {
    if (frames) this.written.push(frames);
    this.ended = true;
  }
  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

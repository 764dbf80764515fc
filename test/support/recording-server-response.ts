/**
 * The part of a `ServerResponse` that `SseWriter` uses, recording what was written. With `full`,
 * each write reports a full socket buffer, as a client that is not reading makes it; emit
 * `drain` to let the writer go on.
 */
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

export class RecordingResponse extends EventEmitter {
  written: string[] = [];
  destroyed = false;
  writableNeedDrain = false;
  ended = false;
  full = false;
  corked = 0;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {}
  cork(): void {
    this.corked += 1;
  }
  uncork(): void {
    this.corked -= 1;
  }
  write(frames: string): boolean {
    this.written.push(frames);
    return !this.full;
  }
  end(frames = ''): void {
    if (frames) this.written.push(frames);
    this.ended = true;
  }
  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}

/**
 * A burst of events leaves when its source says it is over (`flush`), not only once the turn's
 * microtasks are done: for a stream's first events the whole opening settles behind them.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from '../../src/http/sse-writer.js';
import { getText } from '../support/get-text.js';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Runs `serve` on the response of one request and returns the body the client read. */
async function serveOne(serve: (response: http.ServerResponse) => void): Promise<string> {
  server = http.createServer((_request, response) => serve(response));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return getText(port);
}

describe('SseWriter.flush', () => {
  it('uncorks the socket at once, and the turn-end uncork then finds nothing to do', async () => {
    const observed: number[] = [];
    const body = await serveOne((response) => {
      const socket = response.socket as Socket;
      const writer = new SseWriter(response);
      writer.open({}, { flush: false });
      writer.writeNow('data: one\n\n');
      writer.writeNow('data: two\n\n');
      observed.push(socket.writableCorked);
      writer.flush();
      observed.push(socket.writableCorked);
      // A new burst in the same turn corks again, and leaves at the turn's end.
      writer.writeNow('data: three\n\n');
      observed.push(socket.writableCorked);
      process.nextTick(() => {
        observed.push(socket.writableCorked);
        writer.end();
      });
    });
    expect(observed).toEqual([1, 0, 1, 0]);
    expect(body).toBe('data: one\n\ndata: two\n\ndata: three\n\n');
  });

  it('keeps what the end holds back corked until the end', async () => {
    const observed: number[] = [];
    const body = await serveOne((response) => {
      const socket = response.socket as Socket;
      const writer = new SseWriter(response);
      writer.open({}, { flush: false });
      writer.writeNow('data: last\n\n');
      writer.holdUntilEnd();
      writer.flush();
      observed.push(socket.writableCorked);
      setImmediate(() => writer.end('data: closing\n\n'));
    });
    expect(observed).toEqual([1]);
    expect(body).toBe('data: last\n\ndata: closing\n\n');
  });
});

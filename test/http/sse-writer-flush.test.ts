/**
 * A burst of events leaves when its source says it is over (`flush`), not only once the turn's
 * microtasks are done: for a stream's first events the whole opening settles behind them.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseWriter } from '../../src/http/sse-writer.js';
import { countSocketWrites } from '../support/count-socket-writes.js';
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
  it('hands the burst to the socket at once, and the turn-end send then finds nothing to do', async () => {
    const observed: number[] = [];
    const body = await serveOne((response) => {
      const writes = countSocketWrites(response.socket as Socket);
      const writer = new SseWriter(response);
      writer.open({}, { flush: false });
      writer.writeNow('data: one\n\n');
      writer.writeNow('data: two\n\n');
      observed.push(writes.count);
      writer.flush();
      observed.push(writes.count);
      // A new burst in the same turn leaves at the turn's end, in one write of its own.
      writer.writeNow('data: three\n\n');
      observed.push(writes.count);
      process.nextTick(() => {
        observed.push(writes.count);
        writer.end();
      });
    });
    expect(observed).toEqual([0, 1, 1, 2]);
    expect(body).toBe('data: one\n\ndata: two\n\ndata: three\n\n');
  });

  it('keeps what the end holds back until the end', async () => {
    const observed: number[] = [];
    const body = await serveOne((response) => {
      const writes = countSocketWrites(response.socket as Socket);
      const writer = new SseWriter(response);
      writer.open({}, { flush: false });
      writer.writeNow('data: last\n\n');
      writer.holdUntilEnd();
      writer.flush();
      observed.push(writes.count);
      setImmediate(() => {
        observed.push(writes.count);
        writer.end('data: closing\n\n');
      });
    });
    expect(observed).toEqual([0, 0]);
    expect(body).toBe('data: last\n\ndata: closing\n\n');
  });
});

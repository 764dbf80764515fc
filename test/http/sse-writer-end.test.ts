/**
 * A stream's last events and its closing frames leave in one socket write: the events end in the
 * same turn as the upstream's last read, the closing frames follow once the request is settled (a
 * turn later, after the journal), and nothing is handed to the socket in between. Counted on a real
 * socket of a real server, with the real reader pushing the events.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/core/index.js';
import { SseWriter } from '../../src/http/sse-writer.js';
import { writeStreamEvents } from '../../src/http/write-stream-events.js';
import { openStreamPastFirstEvent } from '../../src/pipeline/open-stream-past-first-event.js';
import { readJsonEventStream } from '../../src/providers/http/index.js';
import { countSocketWrites, type SocketWrites } from '../support/count-socket-writes.js';
import { getText } from '../support/get-text.js';
import { openedOver } from '../support/opened-upstream-response.js';
import { TextEventParser } from '../support/text-event-parser.js';

const encoder = { encode: (event: StreamEvent) => `${event.type === 'text-delta' ? event.text : event.type}\n` };
const frame = (wire: object) => `data: ${JSON.stringify(wire)}\n\n`;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/**
 * Serves one stream: the first event read before the headers go (as the pipeline opens streams),
 * then `rest` of the upstream body in one read, then the closing frames a turn after the events end.
 */
async function serveOneStream(rest: string, closing: string) {
  const upstream = new PassThrough();
  const opening = Promise.resolve({
    events: readJsonEventStream(openedOver(upstream), new TextEventParser()),
  });
  upstream.write(frame({ text: 'first' }));
  const opened = await openStreamPastFirstEvent(opening, () => undefined);

  let writes: SocketWrites = { count: 0 };
  let writesBeforeLastRead = 0;
  server = http.createServer((_request, response) => {
    writes = countSocketWrites(response.socket as Socket);
    const writer = new SseWriter(response);
    writer.open({}, { flush: false });
    void (async () => {
      const writing = writeStreamEvents(opened.events, writer, encoder);
      await nextTurn();
      writesBeforeLastRead = writes.count;
      upstream.end(rest);
      await writing;
      // Settling the request (its journal line) takes a turn before the closing frames.
      await nextTurn();
      writer.end(closing);
    })();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const body = await getText(port);
  return { body, writesBeforeLastRead, writesAfter: writes.count - writesBeforeLastRead };
}

describe('SseWriter at the end of a stream', () => {
  it('sends the last read\'s events and the closing frames in one socket write', async () => {
    const { body, writesBeforeLastRead, writesAfter } = await serveOneStream(frame({ text: 'second' }) + frame({ done: true }), 'closing\n');
    expect(body).toBe('first\nsecond\nfinish\nclosing\n');
    // The headers and the first event went out together, before the upstream's last read.
    expect(writesBeforeLastRead).toBe(1);
    expect(writesAfter).toBe(1);
  });

  it('still sends everything when the last read carries only the end', async () => {
    const { body, writesAfter } = await serveOneStream(frame({ done: true }), 'closing\n');
    expect(body).toBe('first\nfinish\nclosing\n');
    expect(writesAfter).toBe(1);
  });
});

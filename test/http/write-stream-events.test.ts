/**
 * `writeStreamEvents`: a stream's events to the client, pushed where the adapter's reader can push
 * (here the real reader behind `openStreamPastFirstEvent`, as the pipeline opens it) and pulled
 * otherwise, with the same frames, the same back-pressure and the same endings.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { GatewayError, type StreamEvent } from '../../src/core/index.js';
import { SseWriter } from '../../src/http/sse-writer.js';
import { writeStreamEvents } from '../../src/http/write-stream-events.js';
import { openStreamPastFirstEvent } from '../../src/pipeline/open-stream-past-first-event.js';
import { readJsonEventStream } from '../../src/providers/http/index.js';
import { openedOver } from '../support/opened-upstream-response.js';
import { RecordingResponse } from '../support/recording-server-response.js';
import { TextEventParser } from '../support/text-event-parser.js';

const encoder = { encode: (event: StreamEvent) => `${event.type === 'text-delta' ? event.text : event.type}\n` };
const frame = (wire: object) => `data: ${JSON.stringify(wire)}\n\n`;
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** An upstream body behind the real reader, opened as the pipeline opens it. */
async function openedUpstream(observed: string[] = []) {
  const body = new PassThrough();
  const opening = Promise.resolve({
    events: readJsonEventStream(openedOver(body), new TextEventParser()),
  });
  body.write(frame({ text: 'first' }));
  const opened = await openStreamPastFirstEvent(opening, (event) => observed.push(event.type));
  return { body, events: opened.events };
}

function client() {
  const response = new RecordingResponse();
  const writer = new SseWriter(response.asServerResponse());
  writer.open({});
  return { response, writer };
}

describe('writeStreamEvents', () => {
  it('writes every event pushed, the first one read included, and tells the meter of each', async () => {
    const observed: string[] = [];
    const { body, events } = await openedUpstream(observed);
    const { response, writer } = client();
    const writing = writeStreamEvents(events, writer, encoder);
    body.write(frame({ text: 'second' }));
    body.end(frame({ done: true }));
    expect(await writing).toBe(false);
    // The end holds the last burst for the closing frames.
    writer.end();
    expect(response.text).toBe('first\nsecond\nfinish\n');
    expect(observed).toEqual(['text-delta', 'text-delta', 'finish']);
  });

  it('holds the upstream while the client is not reading, and goes on once it drains', async () => {
    const { body, events } = await openedUpstream();
    const { response, writer } = client();
    response.full = true;
    const writing = writeStreamEvents(events, writer, encoder);
    for (let index = 0; index < 500; index += 1) body.write(frame({ text: String(index) }));
    body.end(frame({ done: true }));
    await tick();
    await tick();
    // The first write reported the full buffer: the one event taken after it is all that follows,
    // and the upstream body waits.
    expect(response.text).toBe('first\n0\n');
    expect(body.isPaused()).toBe(true);
    response.drain();
    expect(await writing).toBe(false);
    writer.end();
    expect(response.text).toBe(['first', ...Array.from({ length: 500 }, (_, index) => String(index)), 'finish', ''].join('\n'));
  });

  it('ends failed after writing an error event', async () => {
    const { body, events } = await openedUpstream();
    const { response, writer } = client();
    const writing = writeStreamEvents(events, writer, encoder);
    await tick();
    body.destroy(new Error('socket reset'));
    expect(await writing).toBe(true);
    await tick();
    expect(response.text).toBe('first\nfinish\nerror\n');
  });

  it('stops at the next event once the client has gone, and cuts the upstream', async () => {
    const { body, events } = await openedUpstream();
    const { response, writer } = client();
    const writing = writeStreamEvents(events, writer, encoder);
    await tick();
    response.destroyed = true;
    body.write(frame({ text: 'unseen' }));
    expect(await writing).toBe(false);
    expect(response.text).toBe('first\n');
    expect(body.destroyed).toBe(true);
  });

  it('rejects, and cuts the upstream, when encoding an event throws', async () => {
    const { body, events } = await openedUpstream();
    const { response, writer } = client();
    const broken = new Error('cannot encode');
    const writing = writeStreamEvents(events, writer, {
      encode: (event) => {
        if (event.type === 'text-delta' && event.text === 'second') throw broken;
        return encoder.encode(event);
      },
    });
    body.write(frame({ text: 'second' }));
    await expect(writing).rejects.toBe(broken);
    expect(response.text).toBe('first\n');
    expect(body.destroyed).toBe(true);
  });

  it('pulls the events of a source that cannot push, with the same frames', async () => {
    async function* generated(): AsyncGenerator<StreamEvent> {
      yield { type: 'text-delta', choiceIndex: 0, text: 'first' };
      yield { type: 'error', error: new GatewayError('upstream_error', 'cut') };
      yield { type: 'text-delta', choiceIndex: 0, text: 'never' };
    }
    const { response, writer } = client();
    expect(await writeStreamEvents(generated(), writer, encoder)).toBe(true);
    await tick();
    expect(response.text).toBe('first\nerror\n');
  });
});

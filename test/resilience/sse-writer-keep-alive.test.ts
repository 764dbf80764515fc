import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SseWriter } from '../../src/http/sse-writer.js';
import { RecordingResponse } from '../support/recording-server-response.js';

function open(intervalMs: number) {
  const response = new RecordingResponse();
  const writer = new SseWriter(response.asServerResponse());
  writer.open({});
  writer.keepAlive(intervalMs);
  return { response, writer };
}

const keepAlives = (response: RecordingResponse) => response.written.filter((frame) => frame === ': keep-alive\n\n').length;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SSE keep-alive comments', () => {
  it('sends one comment per interval of silence, and none while data flows', async () => {
    const { response, writer } = open(1_000);
    vi.advanceTimersByTime(999);
    expect(keepAlives(response)).toBe(0);
    vi.advanceTimersByTime(1);
    expect(keepAlives(response)).toBe(1);
    vi.advanceTimersByTime(2_000);
    expect(keepAlives(response)).toBe(3);
    for (let step = 0; step < 10; step++) {
      vi.advanceTimersByTime(600);
      await writer.write('data: {}\n\n');
    }
    expect(keepAlives(response)).toBe(3);
    vi.advanceTimersByTime(1_000);
    expect(keepAlives(response)).toBe(4);
  });

  it('stops at the end of the stream and when the client goes away', () => {
    const ended = open(100);
    ended.writer.end('data: [DONE]\n\n');
    vi.advanceTimersByTime(1_000);
    expect(keepAlives(ended.response)).toBe(0);

    const left = open(100);
    left.response.destroyed = true;
    left.response.emit('close');
    vi.advanceTimersByTime(1_000);
    expect(keepAlives(left.response)).toBe(0);
  });

  it('adds nothing to a client that is not reading, and sends none with an interval of 0', () => {
    const backedUp = open(100);
    backedUp.response.writableNeedDrain = true;
    vi.advanceTimersByTime(500);
    expect(keepAlives(backedUp.response)).toBe(0);
    backedUp.response.writableNeedDrain = false;
    vi.advanceTimersByTime(100);
    expect(keepAlives(backedUp.response)).toBe(1);

    const off = open(0);
    vi.advanceTimersByTime(60_000);
    expect(keepAlives(off.response)).toBe(0);
  });
});

describe('SSE writes', () => {
  it('leave as one write of the response once the burst of work is done', async () => {
    const response = new RecordingResponse();
    const writer = new SseWriter(response.asServerResponse());
    writer.open({});
    for (let index = 0; index < 5; index += 1) await writer.write(`data: ${index}\n\n`);
    expect(response.written).toEqual([]);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(response.written).toEqual(['data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n']);
  });

  it('send a long burst at once, without waiting for its end', () => {
    const response = new RecordingResponse();
    const writer = new SseWriter(response.asServerResponse());
    writer.open({});
    const frame = `data: ${'x'.repeat(1_000)}\n\n`;
    for (let index = 0; index < 100; index += 1) writer.writeNow(frame);
    // 64 KiB and more went out as it was reached; the rest waits for the burst's end.
    expect(response.written.length).toBe(1);
    expect(response.written[0]!.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(response.written[0]!.length).toBeLessThan(64 * 1024 + frame.length);
  });

  it('tell the caller to wait once the response needs a drain', () => {
    const response = new RecordingResponse();
    const writer = new SseWriter(response.asServerResponse());
    writer.open({});
    expect(writer.writeNow('data: 1\n\n')).toBe(true);
    response.full = true;
    writer.flush();
    expect(writer.writeNow('data: 2\n\n')).toBe(false);
    response.drain();
    expect(writer.writeNow('data: 3\n\n')).toBe(true);
  });
});

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
  it('cork the socket for the current burst and uncork it right after', async () => {
    const response = new RecordingResponse();
    const writer = new SseWriter(response.asServerResponse());
    writer.open({});
    for (let index = 0; index < 5; index += 1) await writer.write(`data: ${index}\n\n`);
    // One cork for the whole burst, released once the burst's work is done.
    expect(response.corked).toBe(1);
    await new Promise((resolve) => process.nextTick(resolve));
    expect(response.corked).toBe(0);
    expect(response.written).toHaveLength(5);
  });
});

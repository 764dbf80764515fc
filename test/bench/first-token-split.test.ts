import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { request } from 'undici';
// @ts-expect-error the bench is plain JavaScript without declarations
import { splitFirstTokens } from '../../bench/lib/first-token-split.js';
// @ts-expect-error the bench is plain JavaScript without declarations
import { createMockOpenAIUpstream } from '../../bench/lib/mock-openai-upstream.js';
// @ts-expect-error the bench is plain JavaScript without declarations
import { monotonicMs, performanceToMonotonicMs } from '../../bench/lib/monotonic-clock.js';

interface Split {
  requestPathMs: number[];
  upstreamMs: number[];
  contentPathMs: number[];
  firstTokenMs: number[];
  unmatched: number;
}
interface PathMark {
  arrivedAt: number;
  firstContentAt: number;
}
const split = splitFirstTokens as (times: { sentAt: number; firstEventAt: number }[], marks: PathMark[]) => Split;

describe('a first token split into the way there and the way back', () => {
  it('pairs each stream with the first upstream request read after it was sent', () => {
    const times = [
      { sentAt: 100, firstEventAt: 121 },
      { sentAt: 130, firstEventAt: 152 },
    ];
    // Given out of order, with a request left from before the window.
    const marks = [
      { arrivedAt: 130.4, firstContentAt: 150.5 },
      { arrivedAt: 90, firstContentAt: 95 },
      { arrivedAt: 100.3, firstContentAt: 120.6 },
    ];
    const result = split(times, marks);
    expect(result.unmatched).toBe(0);
    expect(result.requestPathMs.map((value) => Number(value.toFixed(3)))).toEqual([0.3, 0.4]);
    expect(result.upstreamMs.map((value) => Number(value.toFixed(3)))).toEqual([20.3, 20.1]);
    expect(result.contentPathMs.map((value) => Number(value.toFixed(3)))).toEqual([0.4, 1.5]);
    expect(result.firstTokenMs).toEqual([21, 22]);
  });

  it('leaves out a stream whose upstream request was not seen, or whose first content came after its first token', () => {
    const times = [
      { sentAt: 100, firstEventAt: 121 },
      { sentAt: 130, firstEventAt: 150 },
      { sentAt: 160, firstEventAt: 181 },
    ];
    const marks = [
      // The first stream's request reached the mock after the client had its first token: not its own.
      { arrivedAt: 125, firstContentAt: 126 },
      // The second's first content was written after the client read a token.
      { arrivedAt: 130.2, firstContentAt: 150.1 },
      // A request that wrote no stream content (a whole answer).
      { arrivedAt: 160.2, firstContentAt: Number.NaN },
    ];
    const result = split(times, marks);
    expect(result.unmatched).toBe(3);
    expect(result.firstTokenMs).toEqual([]);
  });
});

describe("the mock upstream's path marks", () => {
  let server: Server & { pathMarks: { recording: boolean; marks: PathMark[] } };
  let origin: string;

  beforeAll(async () => {
    server = createMockOpenAIUpstream();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const send = async (model: string, stream: boolean) => {
    const response = await request(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
    });
    return response.body.text();
  };

  it('are taken only while recording: arrival, and the write of the first content 20 ms later on a paced stream', async () => {
    await send('bench-paced-20x2', true);
    expect(server.pathMarks.marks).toEqual([]);
    server.pathMarks.recording = true;
    const before = monotonicMs() as number;
    const text = await send('bench-paced-20x2', true);
    await send('bench-model', false);
    const after = monotonicMs() as number;
    const [paced, whole] = server.pathMarks.marks;
    expect(server.pathMarks.marks).toHaveLength(2);
    expect(paced!.arrivedAt).toBeGreaterThanOrEqual(before);
    expect(paced!.firstContentAt - paced!.arrivedAt).toBeGreaterThanOrEqual(19);
    expect(paced!.firstContentAt).toBeLessThanOrEqual(after);
    // The event written at that time is the first that carries text.
    expect(text.split('\n\n')[1]).toMatch(/"delta":\{"content":"[^"]/);
    expect(whole!.arrivedAt).toBeGreaterThan(paced!.arrivedAt);
    expect(Number.isNaN(whole!.firstContentAt)).toBe(true);
  });
});

describe("a process's performance.now() on the machine's monotonic clock", () => {
  it('falls between the monotonic readings taken just before and just after it', () => {
    const toMonotonic = performanceToMonotonicMs as (performanceMs: number) => number;
    const read = monotonicMs as () => number;
    let worstMs = 0;
    for (let attempt = 0; attempt < 1000; attempt += 1) {
      const before = read();
      const converted = toMonotonic(performance.now());
      const after = read();
      worstMs = Math.max(worstMs, before - converted, converted - after);
    }
    // Within a quarter of a microsecond: the mock's answer reaches a client in about 45 µs.
    expect(worstMs).toBeLessThan(0.00025);
  });
});

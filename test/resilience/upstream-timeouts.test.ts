import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatRequest, type StreamEvent, type UpstreamTarget, type UpstreamTimeouts } from '../../src/core/index.js';
import { closeUpstreamPools, resolveUpstreamTimeouts } from '../../src/providers/http/index.js';
import { OpenAIAdapter } from '../../src/providers/openai/index.js';
import { pieceText, refusedUrl, startFaultyUpstream, type FaultyUpstream } from '../support/faulty-upstream.js';
import { gatewayErrorOf } from '../support/gateway-error-of.js';

let upstream: FaultyUpstream;
const adapter = new OpenAIAdapter({ id: 'openai-compatible', defaultBaseUrl: null });
const never = new AbortController().signal;

const target = (model: string, timeouts: Partial<UpstreamTimeouts>, baseUrl = upstream.url): UpstreamTarget => ({
  channelId: 'faulty',
  channelName: 'faulty',
  provider: 'openai-compatible',
  baseUrl,
  apiKey: 'sk-faulty-test-key',
  headers: {},
  upstreamModel: model,
  timeoutMs: 600_000,
  timeouts,
});

const request = (stream: boolean): ChatRequest => ({
  model: 'any',
  stream,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const all: StreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const textOf = (events: StreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');

beforeAll(async () => {
  upstream = await startFaultyUpstream();
  upstream.setFault('hang', { kind: 'hang' });
  upstream.setFault('thinks-then-streams', { kind: 'slow-first-byte', delayMs: 400 });
  upstream.setFault('two-then-silence', { kind: 'stream-then-hang', chunks: 2 });
  upstream.setFault('endless', { kind: 'endless-stream', intervalMs: 30 });
  upstream.setFault('reset-after-headers', { kind: 'reset-after-headers' });
  upstream.setFault('garbage-body', { kind: 'garbage-body' });
  upstream.setFault('garbage', { kind: 'garbage' });
});

afterAll(async () => {
  await closeUpstreamPools();
  await upstream.close();
});

describe('per-phase upstream deadlines', () => {
  it('fills phases a channel does not name from its older single timeout and the defaults', () => {
    expect(resolveUpstreamTimeouts(undefined, 600_000)).toEqual({ connectMs: 10_000, firstByteMs: 600_000, idleMs: 300_000, totalMs: 1_800_000 });
    expect(resolveUpstreamTimeouts({ firstByteMs: 900_000, idleMs: 0 }, 30_000)).toEqual({ connectMs: 10_000, firstByteMs: 900_000, idleMs: 0, totalMs: 1_800_000 });
    expect(resolveUpstreamTimeouts(undefined, 0)).toMatchObject({ firstByteMs: 0, idleMs: 0 });
  });

  it('gives up on a JSON answer that never comes after the first-byte deadline, and closes the connection', async () => {
    const error = await gatewayErrorOf(adapter.chat(request(false), target('hang', { firstByteMs: 200 }), never));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toContain('no first byte within 200 ms');
    expect(error.retryElsewhere).toBe(true);
    const sent = upstream.requestsFor('hang').at(-1)!;
    await expect(upstream.closed(sent)).resolves.toBeGreaterThan(0);
  });

  it('rejects a stream whose headers came but whose first byte did not, so failover can still happen', async () => {
    const error = await gatewayErrorOf(adapter.chatStream(request(true), target('thinks-then-streams', { firstByteMs: 100 }), never));
    expect(error.code).toBe('upstream_timeout');
    expect(error.message).toContain('no first byte within 100 ms');
  });

  it('lets a model think past the idle limit before its first byte: idle counts only once the stream began', async () => {
    const opened = await adapter.chatStream(request(true), target('thinks-then-streams', { firstByteMs: 5_000, idleMs: 100 }), never);
    const events = await collect(opened.events);
    expect(textOf(events)).toBe([0, 1, 2].map(pieceText).join(''));
    expect(events.some((event) => event.type === 'error')).toBe(false);
  });

  it('ends a stream that goes silent after it began with an upstream_timeout event naming the idle limit', async () => {
    const opened = await adapter.chatStream(request(true), target('two-then-silence', { firstByteMs: 5_000, idleMs: 150 }), never);
    const events = await collect(opened.events);
    expect(textOf(events)).toBe(pieceText(0) + pieceText(1));
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') {
      expect(last.error.code).toBe('upstream_timeout');
      expect(last.error.message).toContain('silent for more than 150 ms');
    }
    const sent = upstream.requestsFor('two-then-silence').at(-1)!;
    await expect(upstream.closed(sent)).resolves.toBeGreaterThan(0);
  });

  it('cuts a stream that flows but exceeds the total deadline', async () => {
    const opened = await adapter.chatStream(request(true), target('endless', { idleMs: 1_000, totalMs: 300 }), never);
    const events = await collect(opened.events);
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(0);
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    if (last?.type === 'error') {
      expect(last.error.code).toBe('upstream_timeout');
      expect(last.error.message).toContain('not complete within 300 ms');
    }
  });

  it('treats a stream reset after its headers but before any byte as a failed attempt', async () => {
    const error = await gatewayErrorOf(adapter.chatStream(request(true), target('reset-after-headers', {}), never));
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
  });

  it('maps an answer that is not HTTP, and a JSON answer that is noise, to retryable errors', async () => {
    const notHttp = await gatewayErrorOf(adapter.chat(request(false), target('garbage', {}), never));
    expect(notHttp.retryElsewhere).toBe(true);
    const noise = await gatewayErrorOf(adapter.chat(request(false), target('garbage-body', {}), never));
    expect(noise.code).toBe('upstream_error');
    expect(noise.retryElsewhere).toBe(true);
  });

  it('maps a refused connection to a retryable error without waiting for any deadline', async () => {
    const error = await gatewayErrorOf(adapter.chat(request(false), target('any', { connectMs: 60_000, firstByteMs: 60_000 }, await refusedUrl()), never));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.retryElsewhere).toBe(true);
  });
});

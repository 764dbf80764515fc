import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pieceText, startFaultyUpstream, type FaultyUpstream } from '../support/faulty-upstream.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startResilienceGateway, type ResilienceHarness } from './resilience-harness.js';

/** Needs `server.stream_keepalive_ms` wired from the config to the chat route (GatewayServices). */
let upstream: FaultyUpstream;
let backup: MockOpenAIUpstream;
let gateway: ResilienceHarness;

beforeAll(async () => {
  upstream = await startFaultyUpstream();
  backup = await startMockOpenAIUpstream();
  upstream.setFault('m-pause', { kind: 'stream-with-pause', chunks: 2, pauseMs: 700 });
  upstream.setFault('m-thinker', { kind: 'slow-first-byte', delayMs: 700 });
  upstream.setFault('m-slow-then-dead', { kind: 'slow-first-byte', delayMs: 5_000 });
  upstream.setFault('m-all-slow-and-dead', { kind: 'slow-first-byte', delayMs: 5_000 });
  gateway = await startResilienceGateway(
    [
      { name: 'faulty', baseUrl: upstream.url, models: ['m-pause', 'm-thinker'] },
      { name: 'dies-late', baseUrl: upstream.url, models: ['m-slow-then-dead', 'm-all-slow-and-dead'], timeouts: '{ first_byte_ms: 600 }' },
      { name: 'backup', baseUrl: backup.url, models: ['m-slow-then-dead'], priority: 1 },
    ],
    'server:\n  stream_keepalive_ms: 100\n',
  );
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
  await backup.close();
});

async function rawStream(model: string): Promise<{ frames: string[]; headers: Headers }> {
  const response = await fetch(`${gateway.harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'think hard' }] }),
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { frames: text.split('\n\n').filter((frame) => frame !== ''), headers: response.headers };
}

const isKeepAlive = (frame: string) => frame === ': keep-alive';

describe('SSE keep-alives while the upstream is silent', () => {
  it('sends comments during a pause in the middle of a stream, which still ends properly', async () => {
    const { frames } = await rawStream('m-pause');
    const lastOfFirstHalf = frames.findIndex((frame) => frame.includes(pieceText(1)));
    const firstOfSecondHalf = frames.findIndex((frame) => frame.includes(pieceText(2)));
    const between = frames.slice(lastOfFirstHalf + 1, firstOfSecondHalf);
    expect(between.length).toBeGreaterThanOrEqual(3);
    expect(between.every(isKeepAlive)).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
  });

  it('opens the stream and keeps it alive while a model thinks before its first byte', async () => {
    const { frames } = await rawStream('m-thinker');
    const firstData = frames.findIndex((frame) => frame.startsWith('data:'));
    expect(firstData).toBeGreaterThanOrEqual(3);
    expect(frames.slice(0, firstData).every(isKeepAlive)).toBe(true);
    expect(frames.join('')).toContain(pieceText(2));
    expect(frames.at(-1)).toBe('data: [DONE]');
  });

  it('fails over unseen behind the comments when the first channel misses its first-byte deadline', async () => {
    const { frames } = await rawStream('m-slow-then-dead');
    const data = frames.filter((frame) => frame.startsWith('data:'));
    expect(frames.slice(0, frames.indexOf(data[0]!)).every(isKeepAlive)).toBe(true);
    expect(data.map((frame) => frame.slice('data: '.length)).filter((payload) => payload !== '[DONE]').map((payload) => JSON.parse(payload) as { choices: Array<{ delta: { content?: string } }> }).map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Echo: think hard');
    expect(data.at(-1)).toBe('data: [DONE]');
    expect(backup.requests.filter((request) => request.body?.model === 'm-slow-then-dead')).toHaveLength(1);
  });

  it('tells a failure of every channel after the stream opened as its one error event, charging nothing', async () => {
    const before = await gateway.balance();
    const { frames, headers } = await rawStream('m-all-slow-and-dead');
    const data = frames.filter((frame) => frame.startsWith('data:'));
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0]!.slice('data: '.length))).toMatchObject({ error: { code: 'upstream_timeout' } });
    const record = await gateway.generation(headers.get('x-request-id') ?? '');
    expect(record).toMatchObject({ status: 'error', cost: 0 });
    expect(await gateway.balance()).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../src/metering/estimate-tokens.js';
import { pieceText, startFaultyUpstream, type FaultyUpstream } from '../support/faulty-upstream.js';
import { costUnits, expectedCharge, startResilienceGateway, type ResilienceHarness } from './resilience-harness.js';

const producedPieces = 6;
let upstream: FaultyUpstream;
let gateway: ResilienceHarness;

beforeAll(async () => {
  upstream = await startFaultyUpstream();
  // The upstream produces a fixed text, then waits (as a model that is still thinking would):
  // whatever the gateway charges must be exactly that text.
  upstream.setFault('m-long-answer', { kind: 'stream-then-hang', chunks: producedPieces });
  upstream.setFault('m-slow-json', { kind: 'hang' });
  gateway = await startResilienceGateway([{ name: 'only', baseUrl: upstream.url, models: ['m-long-answer', 'm-slow-json'] }]);
});

afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('a client that hangs up', () => {
  it('mid-stream: the upstream connection closes within a second, and exactly the produced tokens are charged', async () => {
    const before = await gateway.balance();
    const controller = new AbortController();
    const stream = await gateway.client.chat.completions.create(
      { model: 'm-long-answer', stream: true, messages: [{ role: 'user', content: 'tell me everything' }] },
      { signal: controller.signal },
    );
    const expectedText = Array.from({ length: producedPieces }, (_, index) => pieceText(index)).join('');
    let received = '';
    let id = '';
    let abortedAt = 0;
    try {
      for await (const chunk of stream) {
        id = chunk.id;
        received += chunk.choices[0]?.delta?.content ?? '';
        if (received === expectedText) {
          abortedAt = Date.now();
          controller.abort();
        }
      }
    } catch {
      // The SDK raises its abort error: expected.
    }
    expect(abortedAt).toBeGreaterThan(0);
    const sent = upstream.requestsFor('m-long-answer')[0]!;
    const closedAt = await upstream.closed(sent);
    expect(closedAt - abortedAt).toBeLessThan(1_000);

    await expect.poll(async () => (await gateway.generation(id)).status, { timeout: 3_000 }).toBe('cancelled');
    const record = await gateway.generation(id);
    expect(sent.written.join('')).toBe(expectedText);
    expect(record.completion_tokens).toBe(countTextTokens(expectedText));
    expect(record).toMatchObject({ usage_estimated: true, attempts: 1 });
    expect(costUnits(record)).toBe(expectedCharge(record));
    expect(before - (await gateway.balance())).toBe(costUnits(record));
  });

  it('before any answer: the upstream connection closes within a second and nothing is charged', async () => {
    const before = await gateway.balance();
    const controller = new AbortController();
    const pending = gateway.client.chat.completions.create(
      { model: 'm-slow-json', messages: [{ role: 'user', content: 'take your time' }] },
      { signal: controller.signal },
    );
    await expect.poll(() => upstream.requestsFor('m-slow-json').length).toBe(1);
    const abortedAt = Date.now();
    controller.abort();
    await pending.catch(() => undefined);
    const closedAt = await upstream.closed(upstream.requestsFor('m-slow-json')[0]!);
    expect(closedAt - abortedAt).toBeLessThan(1_000);
    await expect.poll(async () => (await gateway.usage(1))[0]?.status, { timeout: 3_000 }).toBe('cancelled');
    const [record] = await gateway.usage(1);
    expect(record).toMatchObject({ model: 'm-slow-json', cost: 0 });
    expect(await gateway.balance()).toBe(before);
  });
});

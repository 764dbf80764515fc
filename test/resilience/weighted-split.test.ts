import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startResilienceGateway, type ResilienceHarness } from './resilience-harness.js';

const requestCount = 2_000;
const concurrency = 25;
let heavy: MockOpenAIUpstream;
let light: MockOpenAIUpstream;
let gateway: ResilienceHarness;

beforeAll(async () => {
  heavy = await startMockOpenAIUpstream();
  light = await startMockOpenAIUpstream();
  gateway = await startResilienceGateway([
    { name: 'heavy', baseUrl: heavy.url, models: ['m-split'], weight: 3 },
    { name: 'light', baseUrl: light.url, models: ['m-split'], weight: 1 },
  ]);
});

afterAll(async () => {
  await gateway.close();
  await heavy.close();
  await light.close();
});

describe('weights within a tier', () => {
  it(`splits ${requestCount} requests 3:1 within a few percent, each answered once`, async () => {
    let next = 0;
    let answered = 0;
    const worker = async () => {
      while (next < requestCount) {
        next++;
        const response = await fetch(`${gateway.harness.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm-split', messages: [{ role: 'user', content: 'hi' }] }),
        });
        await response.arrayBuffer();
        if (response.status === 200 && response.headers.get('x-switchyard-attempts') === '1') answered++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    expect(answered).toBe(requestCount);
    expect(heavy.requests.length + light.requests.length).toBe(requestCount);
    // With p = 0.75 and n = 2000 the standard deviation of the share is about 0.0097: four of
    // them is 0.039, so a correct split fails this about once in 15,000 runs.
    const share = heavy.requests.length / requestCount;
    expect(Math.abs(share - 0.75)).toBeLessThan(0.04);
  });
});

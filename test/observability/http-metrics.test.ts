import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: only
    provider: openai
    base_url: ${upstream.url}
    api_key: sk-upstream
    models: [gpt-4o-mini]
`,
  });
  const { key } = await harness.createKey({ credit: '10' });
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

async function scrape(): Promise<string> {
  const response = await fetch(`${harness.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts answered requests by route and status, and their durations', async () => {
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] });
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    const text = await scrape();
    expect(sample(text, 'switchyard_http_requests_total{route="/v1/chat/completions",status="200"}')).toBe(2);
    expect(sample(text, 'switchyard_http_requests_total{route="/v1/chat/completions",status="404"}')).toBe(1);
    expect(sample(text, 'switchyard_http_request_duration_seconds_count{route="/v1/chat/completions"}')).toBe(3);
  });

  it('shows the requests in flight: one while a request waits on its upstream, none once its client left', async () => {
    upstream.reset();
    upstream.setScenario('hang');
    const controller = new AbortController();
    const pending = client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'wait' }] },
      { signal: controller.signal },
    );
    pending.catch(() => {});
    await expect.poll(() => upstream.requests.length).toBe(1);
    // The scrape itself is in flight while it is answered.
    expect(sample(await scrape(), 'switchyard_http_requests_in_flight')).toBe(2);
    controller.abort();
    await expect.poll(async () => sample(await scrape(), 'switchyard_http_requests_in_flight')).toBe(1);
    upstream.reset();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let failing: MockOpenAIUpstream;
let healthy: MockOpenAIUpstream;
let harness: TestGateway;
let client: OpenAI;
let key: string;

beforeAll(async () => {
  failing = await startMockOpenAIUpstream();
  healthy = await startMockOpenAIUpstream();
  failing.setScenario('error-500');
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
routing:
  breaker: { failures: 3, cooldown_ms: 60000 }
channels:
  - name: failing
    provider: openai
    base_url: ${failing.url}
    api_key: sk-failing
    models: [gpt-4o-mini]
    priority: 0
  - name: healthy
    provider: openai-compatible
    base_url: ${healthy.url}
    api_key: sk-healthy
    models: [gpt-4o-mini]
    priority: 1
`,
  });
  ({ key } = await harness.createKey({ credit: '5' }));
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await failing.close();
  await healthy.close();
});

describe('a channel that keeps failing', () => {
  it('is tried until its breaker opens, then receives no traffic while every request succeeds through the other', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 12; index++) {
      const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `request ${index}` }] });
      expect(completion.choices[0]?.message.content).toBe(`Echo: request ${index}`);
      ids.push(completion.id);
    }
    expect(failing.requests).toHaveLength(3);
    expect(healthy.requests).toHaveLength(12);

    // Each request was charged once, by the channel that answered.
    const usage = await fetch(`${harness.url}/api/usage?limit=100`, { headers: { authorization: `Bearer ${key}` } });
    const records = ((await usage.json()) as { data: Array<{ id: string; channel: string; cost: number }> }).data;
    expect(records.map((record) => record.id).sort()).toEqual([...ids].sort());
    expect(new Set(records.map((record) => record.channel))).toEqual(new Set(['healthy']));
    expect(await harness.gateway.store.verifyLedger()).toEqual([]);
  });
});

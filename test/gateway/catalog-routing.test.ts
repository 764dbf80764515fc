import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { rejectionOf } from '../support/rejection-of.js';

let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let client: OpenAI;

interface CatalogModelJson {
  id: string;
  status: string;
  replacement: string | null;
  retires_at: string | null;
  available: boolean;
  pricing: { input: number | null; output: number | null; official: { input: number | null } };
  offers: Array<{ provider: string; upstream_id: string; available: boolean }>;
}

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
  harness = await startTestGateway({
    config: `
pricing:
  markup: 0.8
channels:
  - name: moonshot-mock
    provider: moonshotai
    base_url: ${upstream.url}
    api_key: sk-moonshot
    models: ['*']
  - name: legacy
    provider: openai-compatible
    base_url: ${upstream.url}
    api_key: sk-legacy
    models: [gpt-4-0613]
  - name: pricey
    provider: openai
    base_url: ${upstream.url}
    api_key: sk-openai
    models: [gpt-4o-mini]
    markup: 2
`,
  });
  const { key } = await harness.createKey({ credit: '5' });
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

async function catalogModel(id: string): Promise<CatalogModelJson> {
  const response = await fetch(`${harness.url}/api/models/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as CatalogModelJson;
}

describe('routing and pricing over the catalog', () => {
  it('publishes over a thousand priced models from over fifty providers', async () => {
    const response = await fetch(`${harness.url}/api/models`);
    const { data } = (await response.json()) as { data: CatalogModelJson[] };
    expect(data.length).toBeGreaterThanOrEqual(1000);
    const providers = new Set(data.flatMap((model) => model.offers.map((offer) => offer.provider)));
    expect(providers.size).toBeGreaterThanOrEqual(50);
    const unpriced = data.filter((model) => model.offers.length > 0 && model.pricing.input === null && model.pricing.output === null);
    expect(unpriced.map((model) => model.id)).toEqual([]);
  });

  it('shows our price as the official price times the markup', async () => {
    const model = await catalogModel('gpt-4o');
    expect(model.pricing.official.input).toBe(2.5);
    expect(model.pricing.input).toBe(2);
  });

  it('shows gpt-4-0314 retired with its replacement, and answers 410 for it when no channel serves it', async () => {
    const model = await catalogModel('gpt-4-0314');
    expect(model).toMatchObject({ status: 'retired', retires_at: '2026-03-26', replacement: 'gpt-5', available: false });
    const error = await rejectionOf(client.chat.completions.create({ model: 'gpt-4-0314', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.status).toBe(410);
    expect(error.code).toBe('model_retired');
    expect(error.message).toContain('2026-03-26');
    expect((error.error as { replacement?: string }).replacement).toBe('gpt-5');
  });

  it('still serves a retired model that a channel keeps serving', async () => {
    expect((await catalogModel('gpt-4-0613')).status).toBe('retired');
    const completion = await client.chat.completions.create({ model: 'gpt-4-0613', messages: [{ role: 'user', content: 'legacy access' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: legacy access');

    // The same install with a channel for gpt-4-0314 answers it instead of 410.
    const withChannel = await startTestGateway({
      config: `channels:\n  - name: legacy\n    provider: openai-compatible\n    base_url: ${upstream.url}\n    api_key: sk-legacy\n    models: [gpt-4-0314]\n`,
    });
    try {
      const { key } = await withChannel.createKey({ credit: '1' });
      const legacy = new OpenAI({ apiKey: key, baseURL: `${withChannel.url}/v1`, maxRetries: 0 });
      const answer = await legacy.chat.completions.create({ model: 'gpt-4-0314', messages: [{ role: 'user', content: 'still here' }] });
      expect(answer.choices[0]?.message.content).toBe('Echo: still here');
    } finally {
      await withChannel.close();
    }
  });

  it('suggests close names for an unknown model', async () => {
    const error = await rejectionOf(client.chat.completions.create({ model: 'gpt-4o-mnii', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/Did you mean .*'gpt-4o-mini'/);
  });

  it('serves every catalog model of a catalog provider, sending its own model ids', async () => {
    const completion = await client.chat.completions.create({ model: 'moonshotai/kimi-k2-thinking', messages: [{ role: 'user', content: 'kimi' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: kimi');
    const sent = upstream.requests.at(-1)!;
    expect(sent.body?.model).toBe('kimi-k2-thinking');
    expect(sent.headers.authorization).toMatch(/^Bearer sk-moonshot/);
  });

  it('lists on /v1/models only what a channel serves now', async () => {
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['demo/echo', 'gpt-4-0613', 'gpt-4o-mini', 'kimi-k2-thinking']));
    expect(ids).not.toContain('gpt-4-0314');
    expect(ids).not.toContain('claude-sonnet-4-5');
  });

  it('bills a channel with its own markup at that markup', async () => {
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'price check' }] })
      .withResponse();
    const usage = completion.usage!;
    // gpt-4o-mini lists $0.15 / $0.60 per 1M tokens; this channel's markup is 2.
    const expected = (usage.prompt_tokens * 0.3 + usage.completion_tokens * 1.2) / 1e6;
    expect(Number(response.headers.get('x-switchyard-cost'))).toBeCloseTo(expected, 12);
  });
});

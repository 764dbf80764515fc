import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { rejectionOf } from '../support/rejection-of.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream({ apiKey: 'sk-from-environment' });
  harness = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-from-environment', OPENAI_BASE_URL: upstream.url, MOONSHOT_API_KEY: 'sk-moonshot-from-env' } });
  const { key } = await harness.createKey({ credit: '1' });
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

describe('a channel created from OPENAI_API_KEY', () => {
  it('serves every catalog model of its provider, pinned or not', async () => {
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(['demo/echo', 'gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']));
    expect(ids).not.toContain('deepseek-chat');

    const pinned = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'pinned' }] });
    expect(pinned.choices[0]?.message.content).toBe('Echo: pinned');
    expect(upstream.requests.at(-1)?.body?.model).toBe('gpt-4o-mini');
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-from-environment');
  });

  it('answers a pin to a provider without a channel with 503', async () => {
    const error = await rejectionOf(client.chat.completions.create({ model: 'deepseek/deepseek-chat', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error.status).toBe(503);
    expect(error.code).toBe('no_available_channel');
  });

  it('also creates channels for catalog providers from their API-key variables', async () => {
    const { data } = (await (await fetch(`${harness.url}/api/providers`)).json()) as { data: Array<{ id: string; available: boolean; models: number }> };
    const moonshot = data.find((provider) => provider.id === 'moonshotai');
    expect(moonshot).toMatchObject({ available: true });
    expect(moonshot!.models).toBeGreaterThan(3);
    expect(data.find((provider) => provider.id === 'deepseek')?.available).toBe(false);
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toContain('kimi-k2-thinking');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { startMockOpenAIResponsesUpstream, type MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.js';

/**
 * Cached, cache-write and reasoning tokens billed exactly on every path: each upstream reports
 * them in its own convention, each inbound dialect is asked, and the charge is checked against
 * the worked number. Prices (USD per 1M): input 2, cached input 0.5, cache write 2.5, output 8,
 * reasoning 16.
 */
let openaiUpstream: MockOpenAIUpstream;
let anthropicUpstream: MockAnthropicUpstream;
let responsesUpstream: MockOpenAIResponsesUpstream;
let harness: TestGateway;
let key: string;

const pricing = '{ input: 2, output: 8, cached_input: 0.5, cache_write: 2.5, reasoning: 16 }';

beforeAll(async () => {
  openaiUpstream = await startMockOpenAIUpstream();
  anthropicUpstream = await startMockAnthropicUpstream();
  responsesUpstream = await startMockOpenAIResponsesUpstream();
  // 1,000 prompt tokens of which 400 cached, 200 output of which 50 reasoning:
  // 600 × 2 + 400 × 0.5 + 150 × 8 + 50 × 16 = 3,400 µUSD.
  openaiUpstream.setScenario({
    json: {
      id: 'chatcmpl-billing', object: 'chat.completion', created: 1, model: 'billing-openai',
      choices: [{ index: 0, message: { role: 'assistant', content: 'billed', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200, prompt_tokens_details: { cached_tokens: 400 }, completion_tokens_details: { reasoning_tokens: 50 } },
    },
  });
  // Anthropic counts input apart from cache reads and writes: 500 + 400 read + 100 written, 200 out:
  // 500 × 2 + 400 × 0.5 + 100 × 2.5 + 200 × 8 = 3,050 µUSD.
  anthropicUpstream.setScenario({
    json: {
      id: 'msg_billing', type: 'message', role: 'assistant', model: 'billing-anthropic',
      content: [{ type: 'text', text: 'billed' }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { input_tokens: 500, cache_read_input_tokens: 400, cache_creation_input_tokens: 100, output_tokens: 200 },
    },
  });
  // The Responses API reports like Chat Completions, under other names: 3,400 µUSD.
  responsesUpstream.setScenario({
    json: {
      id: 'resp_billing', object: 'response', created_at: 1, status: 'completed', error: null, incomplete_details: null, model: 'billing-responses',
      output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'billed', annotations: [] }] }],
      usage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 400 }, output_tokens: 200, output_tokens_details: { reasoning_tokens: 50 }, total_tokens: 1200 },
    },
  });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
models:
  - { id: billing-openai, provider: openai, pricing: ${pricing} }
  - { id: billing-anthropic, provider: anthropic, pricing: ${pricing} }
  - { id: billing-responses, provider: openai-responses, pricing: ${pricing} }
channels:
  - { name: openai-mock, provider: openai, base_url: '${openaiUpstream.url}', api_key: sk-o, models: [billing-openai] }
  - { name: anthropic-mock, provider: anthropic, base_url: '${anthropicUpstream.url}', api_key: sk-a, models: [billing-anthropic] }
  - { name: responses-mock, provider: openai-responses, base_url: '${responsesUpstream.url}', api_key: sk-r, models: [billing-responses] }
`,
  });
  ({ key } = await harness.createKey({ credit: '10' }));
});

afterAll(async () => {
  await harness.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), responsesUpstream.close()]);
});

const expected = { 'billing-openai': 0.0034, 'billing-anthropic': 0.00305, 'billing-responses': 0.0034 } as const;

async function charged(id: string): Promise<number> {
  const response = await fetch(`${harness.url}/api/generations/${id}`, { headers: { authorization: `Bearer ${key}` } });
  return ((await response.json()) as { cost: number }).cost;
}

describe.each(Object.entries(expected))('%s', (model, cost) => {
  it('is billed the worked amount through Chat Completions', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'bill me' }] });
    expect((completion.usage as unknown as { cost: number }).cost).toBe(cost);
    expect(completion.usage?.prompt_tokens).toBe(1000);
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(400);
    expect(await charged(completion.id)).toBe(cost);
  });

  it('is billed the worked amount through Anthropic Messages', async () => {
    const client = new Anthropic({ apiKey: key, baseURL: harness.url, maxRetries: 0 });
    const message = await client.messages.create({ model, max_tokens: 300, messages: [{ role: 'user', content: 'bill me' }] });
    // Anthropic's convention on the way out too: input excludes cache reads.
    expect(message.usage.cache_read_input_tokens).toBe(400);
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0) + (message.usage.cache_creation_input_tokens ?? 0)).toBe(1000);
    expect(await charged(message.id)).toBe(cost);
  });

  it('is billed the worked amount through the Responses API', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
    const response = await client.responses.create({ model, input: 'bill me' });
    expect(response.usage?.input_tokens).toBe(1000);
    expect(response.usage?.input_tokens_details.cached_tokens).toBe(400);
    expect(await charged(response.id)).toBe(cost);
  });
});

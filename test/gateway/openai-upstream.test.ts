import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { rejectionOf } from '../support/rejection-of.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

let primary: MockOpenAIUpstream;
let backup: MockOpenAIUpstream;
let harness: TestGateway;
let client: OpenAI;
let key: string;
let accountId: string;
let adminCookie: string;

beforeAll(async () => {
  primary = await startMockOpenAIUpstream({ apiKey: 'sk-primary-secret' });
  backup = await startMockOpenAIUpstream({ apiKey: 'sk-backup-secret' });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: primary
    provider: openai
    base_url: ${primary.url}
    api_key: sk-primary-secret
    models: [gpt-4o, gpt-4o-mini, text-embedding-3-small]
    model_map: { gpt-4o: gpt-4o-2024-08-06 }
    priority: 0
  - name: backup
    provider: openai-compatible
    base_url: ${backup.url}
    api_key: sk-backup-secret
    models: [gpt-4o-mini]
    priority: 1
`,
  });
  ({ key, accountId } = await harness.createKey({ credit: '10' }));
  const login = await fetch(`${harness.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: 'admin-password' }),
  });
  adminCookie = login.headers.get('set-cookie')!.split(';')[0]!;
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await primary.close();
  await backup.close();
});

beforeEach(async () => {
  primary.reset();
  backup.reset();
  // Earlier tests fail channels on purpose; put them back in service (breakers, cooldowns).
  for (const channel of ['primary', 'backup']) {
    const response = await fetch(`${harness.url}/api/admin/channels/${channel}/enable`, { method: 'POST', headers: { cookie: adminCookie } });
    expect(response.status).toBe(200);
  }
});

async function generation(id: string) {
  const response = await fetch(`${harness.url}/api/generations/${id}`, { headers: { authorization: `Bearer ${key}` } });
  return (await response.json()) as Record<string, unknown>;
}

describe('the gateway in front of an OpenAI upstream, driven by the openai SDK', () => {
  it('relays a completion, maps the model, uses the channel key and bills cached tokens exactly', async () => {
    primary.setScenario('chat-completion');
    const { data: completion, response } = await client.chat.completions
      .create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'What is the capital of France?' }],
        // A field the gateway does not model travels on to the OpenAI-family upstream unchanged.
        // @ts-expect-error vendor extension
        vendor_flag: { keep: true },
      })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe('The capital of France is Paris.');
    expect(completion.id).toMatch(/^gen-/);
    expect(completion.model).toBe('gpt-4o');
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(1024);
    // 93 uncached × $2.50/M + 1024 cached × $1.25/M + 46 output × $10/M
    expect((completion.usage as unknown as { cost: number }).cost).toBe(0.0019725);
    expect(response.headers.get('x-switchyard-cost')).toBe('0.0019725');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(response.headers.get('x-request-id')).toBe(completion.id);

    const sent = primary.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.body?.model).toBe('gpt-4o-2024-08-06');
    expect(sent.body?.vendor_flag).toEqual({ keep: true });
    expect(sent.headers.authorization).toBe('Bearer sk-primary-secret');
    expect(JSON.stringify(sent.headers)).not.toContain(key);

    const record = await generation(completion.id);
    expect(record).toMatchObject({ model: 'gpt-4o', provider: 'openai', channel: 'primary', status: 'success', prompt_tokens: 1117, cached_tokens: 1024, completion_tokens: 46, cost: 0.0019725, usage_estimated: false, attempts: 1 });
  });

  it('streams parallel tool calls whose arguments arrive split, and the SDK reassembles them', async () => {
    primary.setScenario('chat-stream-tool-calls');
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Weather in Paris and Tokyo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => call.type === 'function' && call.function.name)).toEqual(['get_weather', 'get_time']);
    for (const call of calls) {
      expect(() => JSON.parse(call.type === 'function' ? call.function.arguments : '')).not.toThrow();
    }
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect((final.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    expect(primary.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
  });

  it('always asks the upstream for usage, and bills it even when the client did not ask to see it', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count these words please' }] });
    let id = '';
    let sawUsage = false;
    for await (const chunk of stream) {
      id = chunk.id;
      if (chunk.usage) sawUsage = true;
    }
    expect(sawUsage).toBe(false);
    expect(primary.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
    const record = await generation(id);
    expect(record).toMatchObject({ stream: true, status: 'success', usage_estimated: false });
    expect(record.cost as number).toBeGreaterThan(0);
  });

  it('fails over to the next tier when the first channel answers 500', async () => {
    primary.setScenario('error-500');
    const { data: completion, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello backup' }] })
      .withResponse();
    expect(completion.choices[0]?.message.content).toBe('Echo: hello backup');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    expect((await generation(completion.id)).channel).toBe('backup');
  });

  it('answers 502 upstream_error naming the last status when every channel fails, without credentials', async () => {
    primary.setScenario('error-429');
    backup.setScenario('error-401');
    const error = await rejectionOf(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.message).toContain('401');
    expect(JSON.stringify(error.error)).not.toMatch(/sk-(primary|backup)-secret/);
  });

  it('tries the fallback models of the `models` extension in order', async () => {
    primary.setScenarioForModel('gpt-4o-2024-08-06', 'error-500');
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'fall back' }],
      // @ts-expect-error gateway extension
      models: ['gpt-4o', 'gpt-4o-mini'],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: fall back');
    expect(primary.requests.map((request) => request.body?.model)).toEqual(['gpt-4o-2024-08-06', 'gpt-4o-mini']);
    expect(primary.requests[1]?.body?.models).toBeUndefined();
    expect((await generation(completion.id)).model).toBe('gpt-4o-mini');
  });

  it('relays embeddings (the SDK asks for base64) and bills their tokens', async () => {
    const { data: result, response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'] })
      .withResponse();
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-switchyard-cost'))).toBeGreaterThan(0);
    expect(response.headers.get('x-request-id')).toMatch(/^gen-/);
  });

  it('counts tokens itself when the upstream sends no usage, and says so', async () => {
    const chunk = (delta: object, finish: string | null = null) =>
      JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] });
    primary.setScenario({ sse: [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hello there, ' }), chunk({ content: 'general Kenobi.' }), chunk({}, 'stop'), '[DONE]'] });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hello' }] });
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
    let id = '';
    for await (const part of stream) {
      id = part.id;
      if (part.usage) usage = part.usage;
    }
    expect(usage?.completion_tokens).toBeGreaterThan(3);
    expect(usage?.cost).toBeGreaterThan(0);
    expect(await generation(id)).toMatchObject({ usage_estimated: true, status: 'success' });
  });

  it('aborts the upstream at once when the client disconnects, and bills what was produced', async () => {
    primary.setScenario('slow-stream');
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'take your time' }] },
      { signal: controller.signal },
    );
    let id = '';
    let received = 0;
    try {
      for await (const part of stream) {
        id = part.id;
        if (part.choices[0]?.delta.content) received++;
        if (received === 2) controller.abort();
      }
    } catch {
      // The SDK raises an abort error: expected.
    }
    const closed = await primary.responseClosed(0);
    expect(closed.finished).toBe(false);
    await expect.poll(async () => (await generation(id)).status, { timeout: 3000 }).toBe('cancelled');
    const record = await generation(id);
    expect(record.completion_tokens as number).toBeGreaterThan(0);
    expect(record.cost as number).toBeGreaterThan(0);
  });

  it('ends a stream the upstream cut with one error event the SDK raises, and bills the part produced', async () => {
    primary.setScenario('stream-cut');
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let id = '';
    const error = await (async () => {
      for await (const part of stream) id = part.id;
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const record = await generation(id);
    expect(record).toMatchObject({ status: 'error', error_code: 'upstream_error' });
  });

  it('moves the balance by exactly the charges, and the ledger stays consistent', async () => {
    const usage = await fetch(`${harness.url}/api/usage?limit=100`, { headers: { authorization: `Bearer ${key}` } });
    const records = ((await usage.json()) as { data: Array<{ cost: number }> }).data;
    const spentMicro = records.reduce((sum, record) => sum + Math.round(record.cost * 1e12), 0);
    const account = await harness.gateway.store.findAccountById(accountId);
    expect(account?.balance).toBe(10_000_000_000_000n - BigInt(spentMicro));
    expect(await harness.gateway.store.verifyLedger()).toEqual([]);
  });
});

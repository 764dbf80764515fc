import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { faults, refusedUrl, startFaultyUpstream, type Fault, type FaultyUpstream } from '../support/faulty-upstream.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { rejectionOf } from '../support/rejection-of.js';
import { costUnits, expectedCharge, startResilienceGateway, type ChannelSpec, type ResilienceHarness } from './resilience-harness.js';

/**
 * Two channels per model: the first fails in one way, the second (a lower tier) works. Each model
 * has a faulty channel of its own that receives one request, so no case depends on what a circuit
 * breaker or a cooldown remembers from another.
 */
const retryableFaults: Array<{ name: string; fault: Fault | 'refused' }> = [
  { name: 'hang', fault: faults.hang },
  { name: 'reset-before-first-byte', fault: faults.resetBeforeFirstByte },
  { name: 'reset-after-headers', fault: faults.resetAfterHeaders },
  { name: 'rate-limited-429', fault: faults.rateLimited(30) },
  { name: 'error-500', fault: faults.serverError(500) },
  { name: 'error-502', fault: faults.serverError(502) },
  { name: 'error-503', fault: faults.serverError(503) },
  { name: 'error-504', fault: faults.serverError(504) },
  { name: 'overloaded-529', fault: faults.overloaded },
  { name: 'garbage', fault: faults.garbage },
  { name: 'garbage-body', fault: faults.garbageBody },
  { name: 'slow-first-byte', fault: { kind: 'slow-first-byte', delayMs: 3_000 } },
  { name: 'connection-refused', fault: 'refused' },
];
const modes = ['json', 'stream'] as const;
const modelOf = (name: string, mode: string) => `m-${name}-${mode}`;
const firstByteMs = 500;

let faulty: FaultyUpstream;
let backup: MockOpenAIUpstream;
let gateway: ResilienceHarness;
let client: OpenAI;
const generationIds: string[] = [];
let startingBalance: bigint;

beforeAll(async () => {
  faulty = await startFaultyUpstream();
  backup = await startMockOpenAIUpstream();
  const refused = await refusedUrl();
  const channels: ChannelSpec[] = [];
  const backedUpModels: string[] = [];
  for (const { name, fault } of retryableFaults) {
    for (const mode of modes) {
      const model = modelOf(name, mode);
      if (fault !== 'refused') faulty.setFault(model, fault);
      channels.push({
        name: `faulty-${name}-${mode}`,
        baseUrl: fault === 'refused' ? refused : faulty.url,
        models: [model],
        timeouts: `{ first_byte_ms: ${firstByteMs} }`,
      });
      backedUpModels.push(model);
    }
  }
  faulty.setFault('m-bad-request', faults.badRequest);
  faulty.setFault('m-reset-mid-stream', { kind: 'reset-mid-stream', chunks: 3 });
  faulty.setFault('m-silent-mid-stream', { kind: 'stream-then-hang', chunks: 2 });
  for (const model of ['m-bad-request', 'm-reset-mid-stream', 'm-silent-mid-stream']) {
    channels.push({ name: `faulty-${model}`, baseUrl: faulty.url, models: [model], timeouts: '{ first_byte_ms: 2000, idle_ms: 300 }' });
    backedUpModels.push(model);
  }
  channels.push({ name: 'backup', baseUrl: backup.url, models: backedUpModels, priority: 1 });
  gateway = await startResilienceGateway(channels);
  client = gateway.client;
  startingBalance = await gateway.balance();
});

afterAll(async () => {
  await gateway.close();
  await faulty.close();
  await backup.close();
});

const backupRequestsFor = (model: string) => backup.requests.filter((request) => request.body?.model === model);

describe('failover matrix: the first channel fails, the second answers, one charge', () => {
  for (const { name, fault } of retryableFaults) {
    it(`${name}: a completion succeeds through the second channel`, async () => {
      const model = modelOf(name, 'json');
      const before = await gateway.balance();
      const { data: completion, response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: `survive ${name}` }] })
        .withResponse();
      generationIds.push(completion.id);
      expect(completion.choices[0]?.message.content).toBe(`Echo: survive ${name}`);
      expect(response.headers.get('x-switchyard-attempts')).toBe('2');
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(faulty.requestsFor(model)).toHaveLength(fault === 'refused' ? 0 : 1);
      expect(backupRequestsFor(model)).toHaveLength(1);

      const record = await gateway.generation(completion.id);
      expect(record).toMatchObject({ status: 'success', channel: 'backup', attempts: 2, usage_estimated: false });
      expect(costUnits(record)).toBe(expectedCharge(record));
      expect(costUnits(record)).toBeGreaterThan(0n);
      expect(before - (await gateway.balance())).toBe(costUnits(record));
    });

    it(`${name}: a stream fails over before its first byte and succeeds through the second channel`, async () => {
      const model = modelOf(name, 'stream');
      const before = await gateway.balance();
      const { data: stream, response } = await client.chat.completions
        .create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `stream past ${name}` }] })
        .withResponse();
      let text = '';
      let id = '';
      let usage: (OpenAI.CompletionUsage & { cost?: number }) | undefined;
      for await (const chunk of stream) {
        id = chunk.id;
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      generationIds.push(id);
      expect(text).toBe(`Echo: stream past ${name}`);
      expect(response.headers.get('x-switchyard-attempts')).toBe('2');
      expect(response.headers.get('x-switchyard-model')).toBe(model);
      expect(faulty.requestsFor(model)).toHaveLength(fault === 'refused' ? 0 : 1);
      expect(backupRequestsFor(model)).toHaveLength(1);

      const record = await gateway.generation(id);
      expect(record).toMatchObject({ status: 'success', channel: 'backup', attempts: 2, stream: true });
      expect(costUnits(record)).toBe(expectedCharge(record));
      expect(usage?.cost).toBe(record.cost);
      expect(before - (await gateway.balance())).toBe(costUnits(record));
    });
  }

  it('closes the connection of a hanging upstream once its first-byte deadline passed', async () => {
    for (const mode of modes) {
      const [hung] = faulty.requestsFor(modelOf('hang', mode));
      expect(hung).toBeDefined();
      const closedAt = await faulty.closed(hung!);
      expect(closedAt - hung!.receivedAt).toBeGreaterThanOrEqual(firstByteMs - 50);
    }
  });
});

describe('no failover where it would be wrong', () => {
  it('returns a 400 of the first channel at once, without trying the second or charging', async () => {
    const before = await gateway.balance();
    const error = await rejectionOf(client.chat.completions.create({ model: 'm-bad-request', messages: [{ role: 'user', content: 'x' }] }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain("Invalid value for 'temperature'");
    expect(faulty.requestsFor('m-bad-request')).toHaveLength(1);
    expect(backupRequestsFor('m-bad-request')).toHaveLength(0);
    const id = error.headers?.get('x-request-id') ?? '';
    generationIds.push(id);
    expect(await gateway.generation(id)).toMatchObject({ status: 'error', attempts: 1, cost: 0 });
    expect(await gateway.balance()).toBe(before);
  });

  it('ends a stream that broke after its first byte with one error event, charging what was produced', async () => {
    const before = await gateway.balance();
    const stream = await client.chat.completions.create({ model: 'm-reset-mid-stream', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    let id = '';
    const error = await (async () => {
      for await (const chunk of stream) {
        id = chunk.id;
        text += chunk.choices[0]?.delta?.content ?? '';
      }
    })().catch((caught: unknown) => caught);
    generationIds.push(id);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe(faulty.requestsFor('m-reset-mid-stream')[0]!.written.join(''));
    expect(backupRequestsFor('m-reset-mid-stream')).toHaveLength(0);
    const record = await gateway.generation(id);
    expect(record).toMatchObject({ status: 'error', error_code: 'upstream_error', channel: 'faulty-m-reset-mid-stream', attempts: 1, usage_estimated: true });
    expect(costUnits(record)).toBe(expectedCharge(record));
    expect(costUnits(record)).toBeGreaterThan(0n);
    expect(before - (await gateway.balance())).toBe(costUnits(record));
  });

  it('ends a stream that went silent after its first byte with an upstream_timeout event, and no [DONE]', async () => {
    const response = await fetch(`${gateway.harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm-silent-mid-stream', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const body = await response.text();
    const errors = body.split('\n\n').filter((frame) => frame.startsWith('data: {"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0]!.slice('data: '.length))).toMatchObject({ error: { code: 'upstream_timeout' } });
    expect(body).not.toContain('[DONE]');
    expect(body).toContain('piece1');
    expect(backupRequestsFor('m-silent-mid-stream')).toHaveLength(0);
    generationIds.push(response.headers.get('x-request-id') ?? '');
  });
});

describe('exactly once', () => {
  it('has one usage record per request, and the balance moved by exactly their sum', async () => {
    const records = await gateway.usage(200);
    const ids = records.map((record) => record.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...generationIds].sort());
    const charged = records.reduce((sum, record) => sum + costUnits(record), 0n);
    expect(startingBalance - (await gateway.balance())).toBe(charged);
    expect(await gateway.harness.gateway.store.verifyLedger()).toEqual([]);
  });
});

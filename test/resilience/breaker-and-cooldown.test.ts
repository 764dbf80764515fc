import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faults, startFaultyUpstream, type FaultyUpstream } from '../support/faulty-upstream.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { costUnits, startResilienceGateway, type ResilienceHarness } from './resilience-harness.js';

/**
 * Needs the channel health of `src/routing/` (circuit breaker, `retry-after` cooldown) wired into
 * the gateway: these assert what the failing channel is spared, on top of the failover matrix.
 */
const breakerFailures = 3;
let faulty: FaultyUpstream;
let backup: MockOpenAIUpstream;
let gateway: ResilienceHarness;

beforeAll(async () => {
  faulty = await startFaultyUpstream();
  backup = await startMockOpenAIUpstream();
  faulty.setFault('m-rate-limited', faults.rateLimited(30));
  faulty.setFault('m-broken', faults.serverError(500));
  gateway = await startResilienceGateway(
    [
      { name: 'limited', baseUrl: faulty.url, models: ['m-rate-limited'] },
      { name: 'broken', baseUrl: faulty.url, models: ['m-broken'] },
      { name: 'backup', baseUrl: backup.url, models: ['m-rate-limited', 'm-broken'], priority: 1 },
    ],
    `routing:\n  breaker: { failures: ${breakerFailures}, cooldown_ms: 60000 }\n`,
  );
});

afterAll(async () => {
  await gateway.close();
  await faulty.close();
  await backup.close();
});

describe('a failing channel is spared further traffic', () => {
  it('honours retry-after: after a 429 the channel is skipped and the next requests go straight to the second', async () => {
    const attempts: string[] = [];
    for (let index = 0; index < 4; index++) {
      const { response } = await gateway.client.chat.completions.create({ model: 'm-rate-limited', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      attempts.push(response.headers.get('x-switchyard-attempts') ?? '');
    }
    expect(attempts).toEqual(['2', '1', '1', '1']);
    expect(faulty.requestsFor('m-rate-limited')).toHaveLength(1);
  });

  it('sends a dead channel nothing while its breaker is open; every request succeeds, each charged once', async () => {
    const before = await gateway.balance();
    const ids: string[] = [];
    for (let index = 0; index < 10; index++) {
      const completion = await gateway.client.chat.completions.create({ model: 'm-broken', messages: [{ role: 'user', content: `n${index}` }] });
      expect(completion.choices[0]?.message.content).toBe(`Echo: n${index}`);
      ids.push(completion.id);
    }
    expect(faulty.requestsFor('m-broken')).toHaveLength(breakerFailures);
    const records = (await gateway.usage(50)).filter((record) => ids.includes(record.id as string));
    expect(records).toHaveLength(10);
    const charged = records.reduce((sum, record) => sum + costUnits(record), 0n);
    expect(before - (await gateway.balance())).toBe(charged);
  });
});

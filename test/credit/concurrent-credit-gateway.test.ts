/**
 * Concurrency against a real gateway (SQLite, and PostgreSQL when available): many requests at
 * once against a small credit never spend more than it, the rest are refused with 402, and the
 * ledger verifies with no hold left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresForTest } from '../support/postgres.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway } from '../support/test-gateway.js';
import { unitsToUsdString } from '../../src/metering/money.js';
import { adminKey, chat, countBy, holdFor, METERED_MODEL, meteredConfig, promptTokensOf, slowStreamAnswer, verifyOverHttp } from './credit-gateway-support.js';

const database = await postgresForTest();
afterAll(async () => {
  await database?.drop();
});

let upstream: MockOpenAIUpstream;
beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
});
afterAll(async () => {
  await upstream.close();
});

const engines: Array<{ name: string; env: () => Record<string, string> }> = [{ name: 'SQLite', env: () => ({}) }];
if (database) engines.push({ name: 'PostgreSQL', env: () => ({ DATABASE_URL: database.url, SWITCHYARD_SECRET: 'test-secret-value' }) });

describe.each(engines)('credit under concurrency through the gateway ($name)', ({ name, env }) => {
  it('200 concurrent streams against a credit that covers 50: exactly the credit is spent, the rest get 402', async () => {
    const body = { model: METERED_MODEL, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'count to three' }] };
    // Each request uses its whole worst case (the counted prompt and all 100 output tokens), so a
    // settled request frees nothing and the credit covers exactly 50 whatever the timing.
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(40, { prompt: promptTokensOf(body), completion: 100 }));
    const harness = await startTestGateway({ config: meteredConfig(upstream.url), env: env() });
    try {
      const hold = holdFor(body, 1000);
      const credit = hold * 50n;
      const { key, accountId } = await harness.createKey({ credit: unitsToUsdString(credit) });
      const started = Date.now();
      const statuses = await Promise.all(Array.from({ length: 200 }, () => chat(harness.url, key, body)));
      const elapsedMs = Date.now() - started;
      const counts = countBy(statuses);

      await harness.gateway.services.settlements.flush();
      const store = harness.gateway.store;
      const account = (await store.findAccountById(accountId))!;
      const generations = await store.listGenerations(accountId, 500);
      const spent = generations.reduce((sum, record) => sum + record.cost, 0n);
      const report = await verifyOverHttp(harness.url, await adminKey(store));
      console.info(
        `[${name}] 200 concurrent vs credit for 50: ${counts.get(200) ?? 0} served, ${counts.get(402) ?? 0} refused with 402, ` +
          `hold ${unitsToUsdString(hold)} USD, credit ${unitsToUsdString(credit)} USD, spent ${unitsToUsdString(spent)} USD, ` +
          `balance ${unitsToUsdString(account.balance)} USD, verify ok=${report.ok} open_holds=${report.open_holds}, ${elapsedMs} ms`,
      );

      expect(counts.get(200)).toBe(50);
      expect(counts.get(402)).toBe(150);
      expect(spent).toBe(credit);
      expect(account.balance).toBe(0n);
      // Every request is logged once: served ones with their charge, refused ones with none.
      expect(generations).toHaveLength(200);
      expect(generations.filter((record) => record.errorCode === 'insufficient_credit' && record.cost === 0n)).toHaveLength(counts.get(402) ?? 0);
      expect(report).toEqual({ ok: true, discrepancies: [], open_holds: 0 });
      expect(await store.verifyLedger()).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it('holds a long prompt at its cheap bound, and counts it exactly before refusing', async () => {
    upstream.setScenarioForModel(METERED_MODEL, 'echo');
    const harness = await startTestGateway({ config: meteredConfig(upstream.url), env: env() });
    try {
      // About 40 KB: its byte bound is several times its token count.
      const body = { model: METERED_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(900) }] };
      const exact = holdFor(body, 1000);
      // Enough for the exact worst case only: the bound is refused, the exact count admitted.
      const { key: tight } = await harness.createKey({ credit: unitsToUsdString(exact) });
      expect(await chat(harness.url, tight, body)).toBe(200);
      const { key: short } = await harness.createKey({ credit: unitsToUsdString(exact - 1n) });
      expect(await chat(harness.url, short, body)).toBe(402);
    } finally {
      await harness.close();
    }
  });

  it("holds the catalog's output limit when the request sets none, and traces a request to its attempts", async () => {
    upstream.setScenarioForModel(METERED_MODEL, 'echo');
    const harness = await startTestGateway({ config: meteredConfig(upstream.url, 40), env: env() });
    try {
      const body = { model: METERED_MODEL, messages: [{ role: 'user', content: 'a b c d e f' }] };
      const hold = holdFor(body, 40);
      const { key, accountId } = await harness.createKey({ credit: unitsToUsdString(hold * 5n + hold / 2n) });
      const statuses = await Promise.all(Array.from({ length: 30 }, () => chat(harness.url, key, body)));
      const served = statuses.filter((status) => status === 200).length;
      expect(served).toBeGreaterThanOrEqual(5);
      expect(served + statuses.filter((status) => status === 402).length).toBe(30);

      await harness.gateway.services.settlements.flush();
      const account = (await harness.gateway.store.findAccountById(accountId))!;
      expect(account.balance).toBeGreaterThanOrEqual(0n);
      const admin = await adminKey(harness.gateway.store);
      expect(await verifyOverHttp(harness.url, admin)).toEqual({ ok: true, discrepancies: [], open_holds: 0 });

      const record = (await harness.gateway.store.listGenerations(accountId, 50)).find((item) => item.status === 'success')!;
      const trace = (await (await fetch(`${harness.url}/api/admin/ledger/trace/${record.id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
        generation: { id: string; cost: number };
        ledger_entries: Array<{ kind: string; amount: number }>;
        attempts: Array<{ channel: string; status: string }>;
      };
      expect(trace.generation.id).toBe(record.id);
      // It settled before its hold was due in the journal, so the store has its charge alone.
      expect(trace.ledger_entries.map((entry) => entry.kind).sort()).toEqual(['charge']);
      expect(trace.attempts).toEqual([expect.objectContaining({ channel: 'mock', status: 'success' })]);
      const forbidden = await fetch(`${harness.url}/api/admin/ledger/verify`, { headers: { authorization: `Bearer ${key}` } });
      expect(forbidden.status).toBe(403);
    } finally {
      await harness.close();
    }
  });
});

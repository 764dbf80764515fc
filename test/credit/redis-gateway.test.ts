/**
 * Two gateway instances sharing one PostgreSQL schema and one Redis: requests spread over both
 * never spend more than the credit together, and the ledger verifies with no hold left.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { unitsToUsdString } from '../../src/metering/money.js';
import { postgresForTest } from '../support/postgres.js';
import { redisForTest } from '../support/redis.js';
import { startMockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { adminKey, chat, countBy, holdFor, METERED_MODEL, meteredConfig, promptTokensOf, slowStreamAnswer, verifyOverHttp } from './credit-gateway-support.js';

const database = await postgresForTest();
const redis = await redisForTest();
afterAll(async () => {
  await database?.drop();
  await redis?.cleanup();
});

describe.skipIf(database === null || redis === null)('two gateways sharing PostgreSQL and Redis', () => {
  it('200 concurrent streams spread over both, against a credit that covers 50: exactly 50 served', async () => {
    const upstream = await startMockOpenAIUpstream();
    const body = { model: METERED_MODEL, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'count to three' }] };
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(40, { prompt: promptTokensOf(body), completion: 100 }));
    const env = {
      DATABASE_URL: database!.url,
      SWITCHYARD_SECRET: 'test-secret-value',
      REDIS_URL: redis!.url,
      SWITCHYARD_REDIS_PREFIX: redis!.keyPrefix,
    };
    const gateways: TestGateway[] = [];
    try {
      gateways.push(await startTestGateway({ config: meteredConfig(upstream.url), env }));
      gateways.push(await startTestGateway({ config: meteredConfig(upstream.url), env }));
      const [first, second] = gateways as [TestGateway, TestGateway];
      const hold = holdFor(body, 1000);
      const credit = hold * 50n;
      const { key, accountId } = await first.createKey({ credit: unitsToUsdString(credit) });

      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: 200 }, async (_, index) => {
          const target = index % 2 === 0 ? first : second;
          return { target, status: await chat(target.url, key, body) };
        }),
      );
      const elapsedMs = Date.now() - started;
      const counts = countBy(results.map((result) => result.status));
      const servedBy = countBy(results.filter((result) => result.status === 200).map((result) => result.target));

      await Promise.all(gateways.map((gateway) => gateway.gateway.services.settlements.flush()));
      const store = first.gateway.store;
      const account = (await store.findAccountById(accountId))!;
      const generations = await store.listGenerations(accountId, 500);
      const spent = generations.reduce((sum, record) => sum + record.cost, 0n);
      const report = await verifyOverHttp(second.url, await adminKey(store));
      console.info(
        `[PostgreSQL + Redis, 2 instances] 200 concurrent vs credit for 50: ${counts.get(200) ?? 0} served ` +
          `(${servedBy.get(first) ?? 0} + ${servedBy.get(second) ?? 0}), ${counts.get(402) ?? 0} refused with 402, ` +
          `credit ${unitsToUsdString(credit)} USD, spent ${unitsToUsdString(spent)} USD, balance ${unitsToUsdString(account.balance)} USD, ` +
          `verify ok=${report.ok} open_holds=${report.open_holds}, ${elapsedMs} ms`,
      );

      expect(counts.get(200)).toBe(50);
      expect(counts.get(402)).toBe(150);
      expect(servedBy.get(first) ?? 0).toBeGreaterThan(0);
      expect(servedBy.get(second) ?? 0).toBeGreaterThan(0);
      expect(spent).toBe(credit);
      expect(account.balance).toBe(0n);
      expect(generations).toHaveLength(200);
      expect(report).toEqual({ ok: true, discrepancies: [], open_holds: 0 });
    } finally {
      for (const gateway of gateways) await gateway.close();
      await upstream.close();
    }
  });
});

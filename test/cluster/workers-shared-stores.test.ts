/**
 * `SWITCHYARD_WORKERS=2` on PostgreSQL, with the credit kept in the primary, and on PostgreSQL
 * with Redis, where the workers share reservations and rate limits through Redis like separate
 * gateways do: 200 concurrent streams against a credit for 50 serve exactly 50, and a key's RPM
 * limit holds across the workers. Skipped with a warning when the services are not reachable
 * (required in CI). Needs `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { postgresForTest, type PostgresForTest } from '../support/postgres.js';
import { redisForTest, type RedisForTest } from '../support/redis.js';
import { adminKey, holdFor, METERED_MODEL, meteredConfig, promptTokensOf, slowStreamAnswer, verifyOverHttp } from '../credit/credit-gateway-support.js';
import { countBy, fundedKey, onNewConnection, WORKER_HEADER, workerIndex } from './cluster-test-support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(path.join(root, 'dist/cli/main.js'));
if (!built) console.warn('SKIPPED: the worker tests run the built gateway; run `npm run build` first.');

const postgres = built ? await postgresForTest() : null;
const redis = postgres ? await redisForTest() : null;
afterAll(async () => {
  await postgres?.drop();
  await redis?.cleanup();
});

const STREAM_BODY = { model: METERED_MODEL, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'count to three' }] };

const setups: Array<{ name: string; env: (database: PostgresForTest) => Record<string, string> }> = [];
if (postgres) setups.push({ name: 'PostgreSQL', env: (database) => ({ DATABASE_URL: database.url }) });
if (postgres && redis) {
  const shared = redis as RedisForTest;
  setups.push({ name: 'PostgreSQL and Redis', env: (database) => ({ DATABASE_URL: database.url, REDIS_URL: shared.url, SWITCHYARD_REDIS_PREFIX: shared.keyPrefix }) });
}

describe.skipIf(setups.length === 0).each(setups)('SWITCHYARD_WORKERS=2 on $name', ({ name, env }) => {
  let upstream: MockOpenAIUpstream;
  let dataDir: string;
  let store: KyselyStore;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    upstream = await startMockOpenAIUpstream();
    dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-workers-stores-'));
    writeFileSync(path.join(dataDir, 'switchyard.yaml'), meteredConfig(upstream.url));
    const database = postgres!;
    gateway = await spawnGateway({
      SWITCHYARD_WORKERS: '2',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_CONFIG: path.join(dataDir, 'switchyard.yaml'),
      SWITCHYARD_SECRET: 'test-secret-value',
      SWITCHYARD_ADMIN_PASSWORD: 'admin-password',
      ...env(database),
    });
    store = await openStore({ databaseUrl: database.url, dataDir });
  });

  afterAll(async () => {
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    await store.close();
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('200 concurrent streams over both workers against a credit that covers 50: exactly 50 served', async () => {
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(40, { prompt: promptTokensOf(STREAM_BODY), completion: 100 }));
    const hold = holdFor(STREAM_BODY, 1000);
    const { key, accountId } = await fundedKey(store, hold * 50n);
    const answers = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(STREAM_BODY),
        });
        await response.text();
        return { status: response.status, worker: response.headers.get(WORKER_HEADER) ?? '' };
      }),
    );
    const counts = countBy(answers.map((answer) => answer.status));
    const usage = await fetch(`${gateway.url}/api/usage?limit=1`, { headers: { authorization: `Bearer ${key}` } });
    expect(usage.status).toBe(200);
    const report = await verifyOverHttp(gateway.url, await adminKey(store));
    const spent = (await store.listGenerations(accountId, 500)).reduce((sum, record) => sum + record.cost, 0n);
    console.info(`[workers=2, ${name}] 200 concurrent vs credit for 50: ${counts.get(200) ?? 0} served, ${counts.get(402) ?? 0} refused with 402`);
    expect(counts.get(200)).toBe(50);
    expect(counts.get(402)).toBe(150);
    // Both workers took requests; which one served the 50 depends on timing (one may lease it all).
    expect(new Set(answers.map((answer) => workerIndex(answer.worker))).size).toBe(2);
    expect(spent).toBe(hold * 50n);
    expect((await store.findAccountById(accountId))!.balance).toBe(0n);
    expect(report).toEqual({ ok: true, discrepancies: [], open_holds: 0 });
  });

  it("counts a key's requests per minute across both workers", async () => {
    const { key } = await fundedKey(store, 0n, { rpm: 6 });
    const statuses: number[] = [];
    for (let index = 0; index < 12; index += 1) {
      const answer = await onNewConnection(gateway.url, '/v1/chat/completions', {
        headers: { authorization: `Bearer ${key}` },
        body: { model: 'demo/echo', messages: [{ role: 'user', content: `request ${index}` }] },
      });
      statuses.push(answer.status);
    }
    expect(countBy(statuses).get(200)).toBe(6);
    expect(countBy(statuses).get(429)).toBe(6);
  });
});

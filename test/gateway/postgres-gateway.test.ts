import { afterAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { postgresForTest } from '../support/postgres.js';
import { startTestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream } from '../support/mock-openai-upstream.js';

// Null (with a warning) skips outside CI; with CI=true an unreachable server fails the run.
const database = await postgresForTest();
afterAll(async () => {
  await database?.drop();
});

describe.skipIf(database === null)('the gateway on PostgreSQL', () => {
  it('refuses to start without SWITCHYARD_SECRET', async () => {
    await expect(startTestGateway({ env: { DATABASE_URL: database!.url } })).rejects.toThrow(/SWITCHYARD_SECRET/);
  });

  it('serves, meters and bills requests with the store on PostgreSQL', async () => {
    const upstream = await startMockOpenAIUpstream();
    const harness = await startTestGateway({
      env: { DATABASE_URL: database!.url, SWITCHYARD_SECRET: 'test-secret-value' },
      config: `pricing:\n  markup: 1\nchannels:\n  - name: mock\n    provider: openai\n    base_url: ${upstream.url}\n    api_key: sk-mock\n    models: [gpt-4o-mini]\n`,
    });
    try {
      expect(harness.gateway.store.dialect).toBe('postgres');
      const { key, accountId } = await harness.createKey({ credit: '1' });
      const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
      const completions = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${index}` }] }),
        ),
      );
      const total = completions.reduce((sum, completion) => sum + (completion.usage as unknown as { cost: number }).cost, 0);
      expect(total).toBeGreaterThan(0);

      const usage = await fetch(`${harness.url}/api/usage?limit=50`, { headers: { authorization: `Bearer ${key}` } });
      const records = ((await usage.json()) as { data: Array<{ id: string; cost: number }> }).data;
      expect(records.map((record) => record.id).sort()).toEqual(completions.map((completion) => completion.id).sort());

      const account = await harness.gateway.store.findAccountById(accountId);
      const charged = records.reduce((sum, record) => sum + BigInt(Math.round(record.cost * 1e12)), 0n);
      expect(account?.balance).toBe(1_000_000_000_000n - charged);
      expect(await harness.gateway.store.verifyLedger()).toEqual([]);
      const ready = await fetch(`${harness.url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', store: 'postgres' });
    } finally {
      await harness.close();
      await upstream.close();
    }
  });
});

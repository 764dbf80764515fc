import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { generateApiKey } from '../../src/accounts/api-key-format.js';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway();
});
afterAll(async () => {
  await harness.close();
});

function chat(key: string) {
  return fetch(`${harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'demo/echo', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('API keys', () => {
  it('stops a revoked key within one second, without a restart', async () => {
    const { key, keyId } = await harness.createKey();
    expect((await chat(key)).status).toBe(200);
    // Revoked the way another process (the CLI, the console) does it: in the store only.
    await harness.gateway.store.revokeApiKey(keyId, Date.now());
    const revokedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - revokedAt < 3000) {
      status = (await chat(key)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThanOrEqual(1000);
  });

  it('refuses an expired key', async () => {
    const { accountId } = await harness.createKey();
    const material = generateApiKey();
    await harness.gateway.store.createApiKey({
      id: 'key_expired',
      accountId,
      name: 'old',
      prefix: material.prefix,
      hash: material.hash,
      models: [],
      budget: null,
      rpm: null,
      tpm: null,
      expiresAt: Date.now() - 1000,
      createdAt: Date.now() - 5000,
    });
    const response = await chat(material.key);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('expired');
  });

  it('describes the key and its owner balance on GET /api/key, never the key itself', async () => {
    const { key } = await harness.createKey({ credit: '12.5', models: ['demo/echo'], budget: '3' });
    const response = await fetch(`${harness.url}/api/key`, { headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      name: 'test',
      prefix: key.slice(0, 12),
      models: ['demo/echo'],
      budget: 3,
      spent: 0,
      rpm: null,
      tpm: null,
      expires_at: null,
      balance: 12.5,
      ip_allowlist: [],
      budget_period: 'total',
    });
    expect(JSON.stringify(body)).not.toContain(key);
  });
});

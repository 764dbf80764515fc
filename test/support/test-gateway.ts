import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startGateway, type RunningGateway } from '../../src/app/start-gateway.js';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { usdToUnits } from '../../src/metering/money.js';

export interface TestGateway {
  gateway: RunningGateway;
  url: string;
  dataDir: string;
  configPath: string;
  /** Creates an account (with credit in USD) and a key for it; returns the raw key. */
  createKey(options?: { credit?: string; models?: string[]; budget?: string; email?: string }): Promise<{ key: string; accountId: string; keyId: string }>;
  close(): Promise<void>;
}

/** Starts a real gateway on a free port with its own data folder and, optionally, a config file. */
export async function startTestGateway(options: { config?: string; env?: Record<string, string> } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-test-'));
  const configPath = path.join(dataDir, 'switchyard.yaml');
  writeFileSync(configPath, options.config ?? 'pricing:\n  markup: 1\n');
  const gateway = await startGateway({
    env: {
      HOST: '127.0.0.1',
      PORT: '0',
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_CONFIG: configPath,
      SWITCHYARD_ADMIN_PASSWORD: 'admin-password',
      ...options.env,
    },
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  });
  const createKey: TestGateway['createKey'] = async (keyOptions = {}) => {
    const store = gateway.store;
    const account = await store.createAccount({
      id: `acct_${randomUUID()}`,
      email: keyOptions.email ?? `${randomUUID()}@example.com`,
      passwordHash: null,
      role: 'user',
      createdAt: Date.now(),
    });
    if (keyOptions.credit) {
      await store.appendLedgerEntry({
        id: randomUUID(),
        accountId: account.id,
        kind: 'top_up',
        amount: usdToUnits(keyOptions.credit),
        idempotencyKey: `top_up:${randomUUID()}`,
        generationId: null,
        note: null,
        createdAt: Date.now(),
      });
    }
    const material = generateApiKey();
    const keyId = `key_${randomUUID()}`;
    await store.createApiKey({
      id: keyId,
      accountId: account.id,
      name: 'test',
      prefix: material.prefix,
      hash: material.hash,
      models: keyOptions.models ?? [],
      budget: keyOptions.budget ? usdToUnits(keyOptions.budget) : null,
      rpm: null,
      tpm: null,
      expiresAt: null,
      createdAt: Date.now(),
    });
    return { key: material.key, accountId: account.id, keyId };
  };
  return {
    gateway,
    url: gateway.url,
    dataDir,
    configPath,
    createKey,
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

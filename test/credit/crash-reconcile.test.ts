/**
 * Holds left by a crash: the built gateway runs as a real process, is killed with SIGKILL while
 * streams are open (some holds already stored, some only in its journal), and is started again.
 * Then no hold is left, each interrupted request is logged once, the balance is exactly the
 * credit less the charges of the requests that finished, and `switchyard ledger verify` passes.
 * On SQLite, and on PostgreSQL when available. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { usdToUnits } from '../../src/metering/money.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { postgresForTest } from '../support/postgres.js';
import { adminKey, METERED_MODEL, meteredConfig, verifyOverHttp } from './credit-gateway-support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);
const database = await postgresForTest();
const built = existsSync(path.join(root, 'dist/cli/main.js'));
if (!built) console.warn('SKIPPED: the crash test runs the built gateway; run `npm run build` first.');

let upstream: MockOpenAIUpstream;
beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
});
afterAll(async () => {
  await upstream.close();
  await database?.drop();
});

const engines: Array<{ name: string; databaseUrl: () => string }> = [{ name: 'SQLite', databaseUrl: () => '' }];
if (database) engines.push({ name: 'PostgreSQL', databaseUrl: () => database.url });

async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Opens a stream and resolves once its first bytes arrived (the hold was taken before that). */
async function openStream(url: string, key: string): Promise<void> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: METERED_MODEL, stream: true, max_tokens: 2000, messages: [{ role: 'user', content: 'tick' }] }),
  });
  if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
  const reader = response.body!.getReader();
  await reader.read();
  // Keep reading in the background until the process dies under it.
  void (async () => {
    try {
      while (!(await reader.read()).done);
    } catch {
      // The connection is cut by the kill.
    }
  })();
}

describe.skipIf(!built).each(engines)('kill -9 during streams, then restart ($name)', ({ databaseUrl }) => {
  let dataDir: string;
  let store: KyselyStore;
  let gateway: GatewayProcess | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-crash-holds-'));
    writeFileSync(path.join(dataDir, 'switchyard.yaml'), meteredConfig(upstream.url, 4000));
    store = await openStore({ databaseUrl: databaseUrl() || undefined, dataDir });
    await store.migrate();
  });
  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_CONFIG: path.join(dataDir, 'switchyard.yaml'),
    SWITCHYARD_ADMIN_PASSWORD: 'admin-password',
    SWITCHYARD_SECRET: 'test-secret-value',
    DATABASE_URL: databaseUrl(),
    // Batches rarely: the holds of the last streams are only in the journal when the kill comes.
    SWITCHYARD_SETTLEMENT_FLUSH_MS: '300',
  });

  it('releases every hold at the next start, logs the interrupted requests, and verifies', async () => {
    const account = await store.createAccount({ id: `acct_${randomUUID()}`, email: `${randomUUID()}@example.com`, passwordHash: null, role: 'user', createdAt: Date.now() });
    const credit = usdToUnits('1');
    await store.appendLedgerEntry({ id: randomUUID(), accountId: account.id, kind: 'top_up', amount: credit, idempotencyKey: `top_up:${randomUUID()}`, generationId: null, note: null, createdAt: Date.now() });
    const material = generateApiKey();
    await store.createApiKey({ id: `key_${randomUUID()}`, accountId: account.id, name: 'crash', prefix: material.prefix, hash: material.hash, models: [], budget: null, rpm: null, tpm: null, expiresAt: null, createdAt: Date.now() });

    gateway = await spawnGateway(env());
    // One request that finishes: its charge must survive; then streams that will not finish.
    upstream.setScenarioForModel(METERED_MODEL, 'echo');
    const finished = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${material.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: METERED_MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'hello there' }] }),
    });
    expect(finished.status).toBe(200);
    // 400 words, one every 25 ms: these streams are still open when the process is killed.
    upstream.setScenarioForModel(METERED_MODEL, 'slow-stream');
    for (let index = 0; index < 5; index += 1) await openStream(gateway.url, material.key);
    await waitFor('five stored holds', async () => ((await store.ledger.listOpenHolds()).length >= 5 ? true : null));
    // Two more, killed before their holds reach a batch: those holds exist only in the journal.
    await openStream(gateway.url, material.key);
    await openStream(gateway.url, material.key);
    // A hold is journaled once its request has run for 100 ms (`journalHoldsAfterMs`).
    await new Promise((resolve) => setTimeout(resolve, 250));
    gateway.child.kill('SIGKILL');
    expect(await gateway.exited).toBe('SIGKILL');

    const storedHolds = await store.ledger.listOpenHolds();
    expect(storedHolds.length).toBeGreaterThanOrEqual(5);
    expect((await store.findAccountById(account.id))!.balance).toBeLessThan(credit);

    gateway = await spawnGateway(env());
    expect(gateway.stdout() + gateway.stderr()).toMatch(/released holds left by a stopped gateway process/);
    const admin = await adminKey(store);
    expect(await verifyOverHttp(gateway.url, admin)).toEqual({ ok: true, discrepancies: [], open_holds: 0 });

    const generations = await store.listGenerations(account.id, 50);
    const interrupted = generations.filter((record) => record.errorCode === 'interrupted');
    expect(interrupted).toHaveLength(7);
    expect(interrupted.every((record) => record.cost === 0n && record.stream)).toBe(true);
    const charged = generations.filter((record) => record.status === 'success');
    expect(charged).toHaveLength(1);
    expect(charged[0]!.cost).toBeGreaterThan(0n);
    expect((await store.findAccountById(account.id))!.balance).toBe(credit - charged[0]!.cost);
    for (const record of interrupted) {
      const kinds = (await store.ledger.listEntriesOfGeneration(record.id)).map((entry) => entry.kind).sort();
      expect(kinds).toEqual(['hold', 'release']);
    }

    const verified = await run(process.execPath, [path.join(root, 'bin/switchyard.js'), 'ledger', 'verify'], {
      env: { ...process.env, ...env(), LOG_LEVEL: 'silent' },
    });
    expect(verified.stdout.trim()).toBe('ok: every balance equals the sum of its ledger entries');

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    gateway = null;
  });
});

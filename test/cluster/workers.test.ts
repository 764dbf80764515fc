/**
 * `SWITCHYARD_WORKERS=2`: the built gateway as a real process whose two workers share one port.
 * Both answer; what must be shared is shared (credit and key budgets, RPM windows, stored
 * responses, failed log-ins, configuration reloads); a worker killed with SIGKILL is started
 * again and leaves no hold behind; SIGTERM lets every request finish and exits 0. Needs
 * `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password-hash.js';
import { unitsToUsdString } from '../../src/metering/money.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { spawnGateway, type GatewayProcess } from '../support/gateway-process.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { adminKey, holdFor, METERED_MODEL, meteredConfig, promptTokensOf, slowStreamAnswer, verifyOverHttp } from '../credit/credit-gateway-support.js';
import { countBy, fundedKey, onNewConnection, waitFor, WORKER_HEADER, workerIndex, workerPid } from './cluster-test-support.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(path.join(root, 'dist/cli/main.js'));
if (!built) console.warn('SKIPPED: the worker tests run the built gateway; run `npm run build` first.');

const STREAM_BODY = { model: METERED_MODEL, stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'count to three' }] };

let upstream: MockOpenAIUpstream;
let dataDir: string;
let configPath: string;
let store: KyselyStore;
let gateway: GatewayProcess;

beforeAll(async () => {
  if (!built) return;
  upstream = await startMockOpenAIUpstream();
  dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-workers-'));
  configPath = path.join(dataDir, 'switchyard.yaml');
  writeFileSync(configPath, meteredConfig(upstream.url));
  gateway = await spawnGateway({
    SWITCHYARD_WORKERS: '2',
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_CONFIG: configPath,
    SWITCHYARD_ADMIN_PASSWORD: 'admin-password',
  });
  store = await openStore({ dataDir });
});

afterAll(async () => {
  if (!built) return;
  if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
  await store.close();
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Stores what every worker has recorded so far (reads after writes do this through any worker). */
async function flushEveryWorker(key: string): Promise<void> {
  const response = await fetch(`${gateway.url}/api/usage?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status).toBe(200);
  await response.text();
}

/** Sends a chat request over the shared keep-alive pool; resolves with status and worker. */
async function chat(key: string, body: Record<string, unknown>): Promise<{ status: number; worker: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  return { status: response.status, worker: response.headers.get(WORKER_HEADER) ?? '' };
}

describe.skipIf(!built)('SWITCHYARD_WORKERS=2', () => {
  it('prints the start-up lines once, and both workers answer on the one port', async () => {
    expect(gateway.stdout().match(/listening on/g)).toHaveLength(1);
    expect(gateway.stdout()).toContain('Admin account created: admin@localhost');
    const answers = await Promise.all(Array.from({ length: 8 }, () => onNewConnection(gateway.url, '/healthz')));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => workerIndex(answer.worker)))).toEqual(new Set([1, 2]));
    expect(new Set(answers.map((answer) => workerPid(answer.worker))).size).toBe(2);
  });

  it('200 concurrent streams over both workers against a credit that covers 50: exactly 50 served', async () => {
    // Each request uses its whole worst case, so a settled request frees nothing whatever the timing.
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(40, { prompt: promptTokensOf(STREAM_BODY), completion: 100 }));
    const hold = holdFor(STREAM_BODY, 1000);
    const credit = hold * 50n;
    const { key, accountId } = await fundedKey(store, credit);
    const answers = await Promise.all(Array.from({ length: 200 }, () => chat(key, STREAM_BODY)));
    const counts = countBy(answers.map((answer) => answer.status));

    await flushEveryWorker(key);
    const report = await verifyOverHttp(gateway.url, await adminKey(store));
    const account = (await store.findAccountById(accountId))!;
    const generations = await store.listGenerations(accountId, 500);
    const spent = generations.reduce((sum, record) => sum + record.cost, 0n);
    const byWorker = countBy(answers.filter((answer) => answer.status === 200).map((answer) => workerIndex(answer.worker)));
    console.info(
      `[workers=2, SQLite] 200 concurrent vs credit for 50: ${counts.get(200) ?? 0} served (worker 1: ${byWorker.get(1) ?? 0}, worker 2: ${byWorker.get(2) ?? 0}), ` +
        `${counts.get(402) ?? 0} refused with 402, spent ${unitsToUsdString(spent)} of ${unitsToUsdString(credit)} USD`,
    );
    expect(counts.get(200)).toBe(50);
    expect(counts.get(402)).toBe(150);
    // Both workers took requests; which one served the 50 depends on timing (one may lease it all).
    expect(new Set(answers.map((answer) => workerIndex(answer.worker))).size).toBe(2);
    expect(spent).toBe(credit);
    expect(account.balance).toBe(0n);
    expect(generations).toHaveLength(200);
    expect(report).toEqual({ ok: true, discrepancies: [], open_holds: 0 });
  });

  it("lets 60 concurrent requests over both workers spend exactly a key's budget for 20", async () => {
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(40, { prompt: promptTokensOf(STREAM_BODY), completion: 100 }));
    const hold = holdFor(STREAM_BODY, 1000);
    const { key, accountId } = await fundedKey(store, hold * 1000n, { budget: hold * 20n });
    const answers = await Promise.all(Array.from({ length: 60 }, () => chat(key, STREAM_BODY)));
    const counts = countBy(answers.map((answer) => answer.status));
    expect(counts.get(200)).toBe(20);
    expect(counts.get(402)).toBe(40);
    await flushEveryWorker(key);
    const spent = (await store.listGenerations(accountId, 100)).reduce((sum, record) => sum + record.cost, 0n);
    expect(spent).toBe(hold * 20n);
  });

  it("counts a key's requests per minute across both workers", async () => {
    const { key } = await fundedKey(store, 0n, { rpm: 10 });
    const answers: Array<{ status: number; worker: string }> = [];
    for (let index = 0; index < 20; index += 1) {
      answers.push(
        await onNewConnection(gateway.url, '/v1/chat/completions', {
          headers: { authorization: `Bearer ${key}` },
          body: { model: 'demo/echo', messages: [{ role: 'user', content: `request ${index}` }] },
        }),
      );
    }
    const counts = countBy(answers.map((answer) => answer.status));
    expect(counts.get(200)).toBe(10);
    expect(counts.get(429)).toBe(10);
    expect(new Set(answers.slice(0, 10).map((answer) => workerIndex(answer.worker))).size).toBe(2);
  });

  it('continues a stored response on the other worker, over a new connection, right after it was answered', async () => {
    const { key } = await fundedKey(store, 0n);
    const headers = { authorization: `Bearer ${key}` };
    let crossed = 0;
    for (let round = 0; round < 10; round += 1) {
      const first = await onNewConnection(gateway.url, '/v1/responses', { headers, body: { model: 'demo/echo', input: `remember the word heron ${round}` } });
      expect(first.status).toBe(200);
      const id = /"id":"(gen-[^"]+)"/.exec(first.body)![1];
      const next = await onNewConnection(gateway.url, '/v1/responses', { headers, body: { model: 'demo/echo', input: 'and again', previous_response_id: id } });
      expect(next.status, next.body).toBe(200);
      if (next.worker !== first.worker) crossed += 1;
    }
    expect(crossed).toBeGreaterThan(0);
  });

  it('refuses log-ins once ten have failed, whichever worker each failure reached', async () => {
    const email = `login-${Date.now()}@example.com`;
    await store.createAccount({ id: `acct_login_${Date.now()}`, email, passwordHash: await hashPassword('right-password'), role: 'user', createdAt: Date.now() });
    const attempt = () => onNewConnection(gateway.url, '/api/auth/login', { body: { email, password: 'wrong-password' } });
    const failures = [];
    for (let index = 0; index < 10; index += 1) failures.push(await attempt());
    expect(failures.every((answer) => answer.status === 401)).toBe(true);
    expect(new Set(failures.map((answer) => workerIndex(answer.worker))).size).toBe(2);
    const refused = await Promise.all([attempt(), attempt()]);
    expect(refused.map((answer) => answer.status)).toEqual([429, 429]);
  });

  it('passes SIGHUP on: every worker reloads the configuration', async () => {
    const { key } = await fundedKey(store, 0n);
    writeFileSync(configPath, meteredConfig(upstream.url).replace(`models: [${METERED_MODEL}]`, `models: [${METERED_MODEL}, gpt-4o-mini]`));
    gateway.child.kill('SIGHUP');
    await waitFor('both workers serving the reloaded configuration', async () => {
      const answers = await Promise.all(Array.from({ length: 4 }, () => onNewConnection(gateway.url, '/v1/models', { headers: { authorization: `Bearer ${key}` } })));
      return answers.every((answer) => answer.body.includes('"gpt-4o-mini"')) ? true : null;
    });
    // Each worker logs its reload through the primary's pipe, which may deliver it after the answers.
    await waitFor('both workers logging the reload', async () =>
      (gateway.stderr().match(/configuration reloaded/g)?.length ?? 0) >= 2 ? true : null,
    );
    expect(gateway.stderr().match(/configuration reloaded/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('starts a worker killed with SIGKILL again, and releases the holds of its streams', async () => {
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(300, { prompt: promptTokensOf(STREAM_BODY), completion: 100 }));
    const { key, accountId } = await fundedKey(store, holdFor(STREAM_BODY, 1000) * 100n);
    const streams = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(STREAM_BODY),
        });
        const reader = response.body!.getReader();
        await reader.read();
        const done = (async () => {
          try {
            while (!(await reader.read()).done);
            return 'finished';
          } catch {
            return 'cut';
          }
        })();
        return { worker: response.headers.get(WORKER_HEADER)!, done };
      }),
    );
    // Past the delay after which a hold is journaled, so the victim's holds are in its journal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const victim = streams[0]!.worker;
    process.kill(workerPid(victim), 'SIGKILL');

    const replacement = await waitFor('the worker to be started again', async () => {
      // A connection handed to the worker in the instant it died is never answered (node:cluster
      // keeps it), so each probe gives up after a while.
      const answer = await onNewConnection(gateway.url, '/healthz', { timeoutMs: 2000 }).catch(() => null);
      return answer && workerIndex(answer.worker) === workerIndex(victim) && answer.worker !== victim ? answer.worker : null;
    });
    expect(workerPid(replacement)).not.toBe(workerPid(victim));
    expect(gateway.stderr()).toMatch(/worker process ended; starting it again/);
    const endings = await Promise.all(streams.map((stream) => stream.done));
    const onVictim = streams.filter((stream) => stream.worker === victim).length;
    expect(endings.filter((ending) => ending === 'cut')).toHaveLength(onVictim);

    await flushEveryWorker(key);
    expect(await verifyOverHttp(gateway.url, await adminKey(store))).toEqual({ ok: true, discrepancies: [], open_holds: 0 });
    const generations = await store.listGenerations(accountId, 50);
    expect(generations.filter((record) => record.errorCode === 'interrupted')).toHaveLength(onVictim);
    expect(generations.filter((record) => record.status === 'success')).toHaveLength(streams.length - onVictim);
  });

  it('on SIGTERM lets a stream in flight finish, then every process exits 0', async () => {
    upstream.setScenarioForModel(METERED_MODEL, slowStreamAnswer(200, { prompt: promptTokensOf(STREAM_BODY), completion: 100 }));
    const { key } = await fundedKey(store, holdFor(STREAM_BODY, 1000) * 10n);
    const workers = await Promise.all(Array.from({ length: 6 }, () => onNewConnection(gateway.url, '/healthz')));
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(STREAM_BODY),
    });
    const reader = response.body!.getReader();
    await reader.read();
    gateway.child.kill('SIGTERM');
    let rest = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('[DONE]');
    expect(await gateway.exited).toBe(0);
    for (const pid of new Set(workers.map((answer) => workerPid(answer.worker)))) {
      expect(() => process.kill(pid, 0)).toThrow();
    }
    expect(gateway.stderr()).toMatch(/"msg":"switchyard stopped"/);
  });
});

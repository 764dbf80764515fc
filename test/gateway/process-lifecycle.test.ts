import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { spawnGateway } from '../support/gateway-process.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let upstream: MockOpenAIUpstream;
let dataDir: string;
let configPath: string;
let key: string;

function cli(...args: string[]): string {
  return execFileSync(process.execPath, [path.join(root, 'bin/switchyard.js'), ...args], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: '', SWITCHYARD_CONFIG: configPath },
  })
    .toString()
    .trim();
}

function writeConfig(models: string[]): void {
  writeFileSync(
    configPath,
    `pricing:\n  markup: 1\nchannels:\n  - name: mock\n    provider: openai\n    base_url: ${upstream.url}\n    api_key: sk-mock\n    models: [${models.join(', ')}]\n`,
  );
}

const env = () => ({ SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_CONFIG: configPath, SWITCHYARD_ADMIN_PASSWORD: 'x' });

function chat(url: string, body: object) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream();
  dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-process-'));
  configPath = path.join(dataDir, 'switchyard.yaml');
  writeConfig(['gpt-4o-mini']);
  cli('user', 'add', '--email', 'p@example.com', '--credit', '5');
  key = cli('key', 'create', '--email', 'p@example.com');
});

afterAll(async () => {
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the gateway as a process', () => {
  it('loses no record of a finished request when killed with SIGKILL right after answering', async () => {
    // No batch reaches the store before the kill: every record must come back from the journal.
    const gateway = await spawnGateway({ ...env(), SWITCHYARD_SETTLEMENT_FLUSH_MS: '600000' });
    const ids: string[] = [];
    for (let index = 0; index < 20; index++) {
      const stream = index % 2 === 1;
      const response = await chat(gateway.url, { model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: `request ${index}` }] });
      await response.text();
      ids.push(response.headers.get('x-request-id')!);
    }
    gateway.child.kill('SIGKILL');
    expect(await gateway.exited).toBe('SIGKILL');

    const restarted = await spawnGateway(env());
    try {
      const usage = await fetch(`${restarted.url}/api/usage?limit=100`, { headers: { authorization: `Bearer ${key}` } });
      const records = ((await usage.json()) as { data: Array<{ id: string; cost: number }> }).data;
      expect(records.map((record) => record.id).sort()).toEqual([...ids].sort());
      expect(records.every((record) => record.cost > 0)).toBe(true);
    } finally {
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
    expect(cli('ledger', 'verify')).toContain('ok');
  });

  it('reloads the config on SIGHUP, and keeps the old one when the new file is invalid', async () => {
    const gateway = await spawnGateway(env());
    try {
      expect((await chat(gateway.url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).status).toBe(503);
      writeConfig(['gpt-4o-mini', 'gpt-4o']);
      gateway.child.kill('SIGHUP');
      await expect
        .poll(async () => (await chat(gateway.url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).status, { timeout: 5000 })
        .toBe(200);

      writeFileSync(configPath, 'pricing:\n  markup: 1\nchannels:\n  - name: mock\n    provider: openai\n    priority: high\n');
      gateway.child.kill('SIGHUP');
      await expect.poll(() => gateway.stderr(), { timeout: 5000 }).toMatch(/switchyard\.yaml:\d+/);
      expect((await chat(gateway.url, { model: 'gpt-4o', messages: [{ role: 'user', content: 'still here' }] })).status).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      writeConfig(['gpt-4o-mini']);
    }
  });

  it('lets a stream in flight finish on SIGTERM, refuses new work, and exits 0', async () => {
    const chunk = (content: string) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] });
    upstream.setScenario({ sse: [...Array.from({ length: 10 }, (_, index) => chunk(`part${index} `)), '[DONE]'], intervalMs: 100 });
    const gateway = await spawnGateway(env());
    try {
      const response = await chat(gateway.url, { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'slowly' }] });
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(first.done).toBe(false);
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const refused = await chat(gateway.url, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'late' }] }).then(
        (late) => late.status,
        () => 'connection refused',
      );
      expect([503, 'connection refused']).toContain(refused);
      let text = new TextDecoder().decode(first.value);
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      expect(text).toContain('part9');
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      expect(await gateway.exited).toBe(0);
    } finally {
      upstream.setScenario('echo');
      if (gateway.child.exitCode === null) gateway.child.kill('SIGKILL');
    }
  });

  it('prints how to log in on the first start', async () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'switchyard-first-'));
    const gateway = await spawnGateway({ SWITCHYARD_DATA_DIR: fresh, SWITCHYARD_CONFIG: '' });
    try {
      await expect.poll(() => gateway.stdout(), { timeout: 5000 }).toContain('Admin password (shown once):');
      expect(gateway.stdout()).toContain('admin@localhost');
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

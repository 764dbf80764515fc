import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { openStore } from '../../src/store/open-store.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dataDir: string;

/** Runs the built command line the way a user does (`npm test` builds first). */
async function switchyard(...args: string[]) {
  return run(process.execPath, [path.join(root, 'bin/switchyard.js'), ...args], {
    env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, DATABASE_URL: '', SWITCHYARD_CONFIG: '' },
  }).then(
    (result) => ({ code: 0, stdout: result.stdout, stderr: result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-cli-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the switchyard command line', () => {
  it('migrates, creates a user with credit and a key, and prints only the result on stdout', async () => {
    expect((await switchyard('migrate')).code).toBe(0);
    const user = await switchyard('user', 'add', '--email', 'cli@example.com', '--credit', '2.5');
    expect(user.code).toBe(0);
    expect(user.stdout.trim()).toMatch(/^acct_[0-9a-f]{32}$/);
    const key = await switchyard('key', 'create', '--email', 'cli@example.com', '--name', 'ci', '--models', 'demo/echo,gpt-4o', '--budget', '1');
    expect(key.code).toBe(0);
    expect(key.stdout.trim()).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);

    const store = await openStore({ dataDir });
    try {
      const account = await store.findAccountByEmail('cli@example.com');
      expect(account?.balance).toBe(2_500_000_000_000n);
      const [record] = await store.listApiKeys(account!.id);
      expect(record).toMatchObject({ name: 'ci', models: ['demo/echo', 'gpt-4o'], budget: 1_000_000_000_000n });
      expect(record?.hash).not.toContain(key.stdout.trim());
    } finally {
      await store.close();
    }
  });

  it('adds credit and corrections through the ledger, and verifies it', async () => {
    const added = await switchyard('credit', 'add', '--email', 'cli@example.com', '--amount', '0.75', '--note', 'gift');
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout.trim()).toBe('3.25');
    const corrected = await switchyard('credit', 'add', '--email', 'cli@example.com', '--amount', '-0.25');
    expect(corrected.stdout.trim()).toBe('3');
    const verified = await switchyard('ledger', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('ok');
  });

  it('fails with a one-line reason on stderr and a non-zero exit', async () => {
    const duplicate = await switchyard('user', 'add', '--email', 'cli@example.com');
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stdout).toBe('');
    expect(duplicate.stderr.trim().split('\n')).toHaveLength(1);
    expect(duplicate.stderr).toContain('exists already');
    const badAmount = await switchyard('credit', 'add', '--email', 'cli@example.com', '--amount', 'lots');
    expect(badAmount.code).not.toBe(0);
    expect(badAmount.stderr).toContain('--amount');
    const nobody = await switchyard('key', 'create', '--email', 'nobody@example.com');
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toContain('no account');
  });

  it('finds a tampered balance with ledger verify', async () => {
    const database = new Sqlite(path.join(dataDir, 'switchyard.db'));
    database.prepare("update accounts set balance = balance + 1 where email = 'cli@example.com'").run();
    database.close();
    const verified = await switchyard('ledger', 'verify');
    expect(verified.code).not.toBe(0);
    expect(verified.stdout).toContain('cli@example.com');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAccountCommands } from '../../src/cli/account-commands.js';
import { CommandError } from '../../src/cli/cli-store.js';
import { hashApiKey } from '../../src/accounts/api-key-format.js';
import { openStore } from '../../src/store/open-store.js';

let dataDir: string;
const saved = { dataDir: process.env.SWITCHYARD_DATA_DIR, databaseUrl: process.env.DATABASE_URL };

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'switchyard-key-command-'));
  // The commands open the store the server would use; this test file's worker points it at a scratch folder.
  process.env.SWITCHYARD_DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
});
afterAll(() => {
  process.env.SWITCHYARD_DATA_DIR = saved.dataDir;
  if (saved.databaseUrl !== undefined) process.env.DATABASE_URL = saved.databaseUrl;
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string[]> {
  const printed: string[] = [];
  const program = new Command('switchyard').exitOverride();
  registerAccountCommands(program, (line) => void printed.push(line));
  await program.parseAsync(args, { from: 'user' });
  return printed;
}

describe('switchyard key create', () => {
  it('stores --ip and --budget-period with the key', async () => {
    await run('user', 'add', '--email', 'ops@example.com');
    const [key] = await run('key', 'create', '--email', 'ops@example.com', '--ip', '10.0.0.0/8, 2001:db8::1', '--budget', '2', '--budget-period', 'week');
    const store = await openStore({ dataDir });
    try {
      const stored = await store.findApiKeyByHash(hashApiKey(key!));
      expect(stored?.ipAllowlist).toEqual(['10.0.0.0/8', '2001:db8::1']);
      expect(stored?.budgetPeriod).toBe('week');
      expect(stored?.budget).toBe(2_000_000_000_000n);
    } finally {
      await store.close();
    }
  });

  it('defaults to anywhere and the total period', async () => {
    await run('user', 'add', '--email', 'plain@example.com');
    const [key] = await run('key', 'create', '--email', 'plain@example.com');
    const store = await openStore({ dataDir });
    try {
      const stored = await store.findApiKeyByHash(hashApiKey(key!));
      expect(stored?.ipAllowlist).toEqual([]);
      expect(stored?.budgetPeriod).toBe('total');
    } finally {
      await store.close();
    }
  });

  it('refuses a bad --ip entry and a bad --budget-period, naming them', async () => {
    await expect(run('key', 'create', '--email', 'ops@example.com', '--ip', '10.0.0.0/40')).rejects.toThrow(CommandError);
    await expect(run('key', 'create', '--email', 'ops@example.com', '--ip', 'office')).rejects.toThrow(/--ip.*office/);
    await expect(run('key', 'create', '--email', 'ops@example.com', '--budget-period', 'year')).rejects.toThrow(/--budget-period/);
  });
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The snapshot-read bench in a tiny run: it must seed its stores, read both ways and report each.
// No timing is asserted.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(argumentsList: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/snapshot-reads.js', ...argumentsList], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bench/snapshot-reads.js', () => {
  it('reads every account on the main connection and on the settlement thread and reports both', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await run(['--accounts', '20,600', '--repeat', '1']);
    expect(code, stderr).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^\|\s+\d/.test(line));
    expect(rows.map((row) => row.split('|').slice(1, 3).map((cell) => cell.trim()))).toEqual([
      ['20', 'main connection'],
      ['20', 'settlement thread'],
      ['600', 'main connection'],
      ['600', 'settlement thread'],
    ]);
    for (const row of rows) {
      const [busy, wall] = row.split('|').slice(3, 5).map((cell) => Number(cell.trim()));
      expect(busy, row).toBeGreaterThan(0);
      expect(wall, row).toBeGreaterThan(0);
    }
  });
});

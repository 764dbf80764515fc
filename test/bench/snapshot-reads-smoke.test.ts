import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The snapshot-read bench in a tiny run: it must seed its stores, read both ways and report each.
// No timing is asserted.

const run = (argumentsList: string[]) => runBenchScript('snapshot-reads.js', argumentsList);

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

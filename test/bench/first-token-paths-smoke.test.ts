import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The first-token split in a tiny run: every target measured in both cases, each stream paired
// with its upstream request, the table and the pause's cost reported. No timing is asserted but
// the mock's own 20 ms pause, which any paced first token must include.

describe('bench/first-token-paths.js', () => {
  it('splits the first token of direct, floor and Switchyard streams, unpaced and paced', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runBenchScript('first-token-paths.js', ['--rounds', '1', '--seconds', '0.5', '--jit-warmup', '0.2']);
    expect(code, stderr).toBe(0);
    const rows = stdout
      .split('\n')
      .filter((line) => /^\| (unpaced|paced) /.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ['unpaced', 'direct'],
      ['unpaced', 'floor'],
      ['unpaced', 'switchyard'],
      ['paced', 'direct'],
      ['paced', 'floor'],
      ['paced', 'switchyard'],
    ]);
    for (const row of rows) {
      const [streams, firstToken, wayThere, upstream, wayBack, ...added] = row.slice(2).map((cell) => (cell === '' ? Number.NaN : Number(cell.replaceAll(',', ''))));
      expect(streams, row.join(' ')).toBeGreaterThan(0);
      expect(wayThere, row.join(' ')).toBeGreaterThan(0);
      expect(wayBack, row.join(' ')).toBeGreaterThan(0);
      // The three parts of each stream sum to its first token; their medians need not.
      expect(wayThere! + upstream! + wayBack!, row.join(' ')).toBeGreaterThan(firstToken! * 0.8);
      expect(wayThere! + upstream! + wayBack!, row.join(' ')).toBeLessThan(firstToken! * 1.2);
      // The mock's pause, when the case has one. Its timer counts from the event loop's cached
      // millisecond clock, so it may fire up to a millisecond short of 20 ms of real time.
      if (row[0] === 'paced') expect(upstream, row.join(' ')).toBeGreaterThanOrEqual(19);
      else expect(upstream, row.join(' ')).toBeLessThan(19);
      expect(added.every((value) => Number.isNaN(value)), row.join(' ')).toBe(row[1] === 'direct');
    }
    expect(stdout).toMatch(/real-time client in [0-6] of 6 windows/);
    // One client, no failover: every stream has its own upstream request.
    expect(stdout).toMatch(/streams that could not be paired with an upstream request \(left out\): 0\n/);
    expect(stdout).toMatch(/- switchyard: a 20 ms pause adds -?\d+\.\d{3} ms to its way there and -?\d+\.\d{3} ms to its way back/);
  });
});

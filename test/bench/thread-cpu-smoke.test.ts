import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The per-thread CPU bench in a tiny run: both processes measured in one alternating pair, every
// thread column read. No timing is asserted.

describe('bench/thread-cpu.js', () => {
  it('measures the floor proxy and Switchyard thread by thread and sums each to its process', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runBenchScript('thread-cpu.js', ['--pairs', '1', '--seconds', '0.3', '--warmup', '0.1', '--jit-warmup', '0.2', '--clients', '4']);
    expect(code, stderr).toBe(0);
    const rows = stdout
      .split('\n')
      .filter((line) => /^\|\s+\d/.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ['1', 'floor'],
      ['1', 'switchyard'],
    ]);
    for (const row of rows) {
      const numbers = row.slice(2).map((cell) => Number(cell.replaceAll(',', '')));
      expect(numbers).toHaveLength(5);
      const [requestsPerSecond, main, busiestOther, others, process] = numbers as [number, number, number, number, number];
      expect(requestsPerSecond, row.join(' ')).toBeGreaterThan(0);
      expect(main, row.join(' ')).toBeGreaterThan(0);
      expect(busiestOther, row.join(' ')).toBeGreaterThanOrEqual(0);
      expect(others, row.join(' ')).toBeGreaterThanOrEqual(0);
      // The table rounds each cell on its own: the sum may differ from the total by that rounding.
      expect(Math.abs(main + busiestOther + others - process), row.join(' ')).toBeLessThan(process * 0.01 + 1);
    }
    expect(stdout).toMatch(/Switchyard \/ floor, median of the pairs: process \d+\.\d{3}, main thread \d+\.\d{3}/);
  });
});

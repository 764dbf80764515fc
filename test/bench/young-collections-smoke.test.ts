import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The young-collection tracer in a tiny run: it must start the gateway traced, load it, read the
// trace back and report one row per process. No timing or size is asserted.

describe('bench/young-collections.js', () => {
  it('traces each fresh process through a window of load and reports its collections', { timeout: 90_000 }, async () => {
    const { code, stdout, stderr } = await runBenchScript('young-collections.js', [
      '--processes', '2', '--clients', '2', '--warmup', '0.2', '--window', '0.5', '--env', 'SWITCHYARD_V8_PRETENURING=on',
    ]);
    expect(code, stderr).toBe(0);
    const rows = stdout.split('\n').filter((line) => /^\| [12] /.test(line));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const cells = row.split('|').map((cell) => cell.trim());
      expect(Number(cells[2]!.replaceAll(',', '')), row).toBeGreaterThan(0);
      expect(cells[3], row).toBe('0');
      for (const cell of cells.slice(4, 11)) expect(Number.isFinite(Number(cell)), row).toBe(true);
    }
    expect(stdout).toMatch(/2 clients, 0\.5 s window after 0\.2 s of warm-up/);
  });
});

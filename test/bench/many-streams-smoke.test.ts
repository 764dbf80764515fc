import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The many-streams bench in a tiny run: both processes, Switchyard and the floor proxy, must take
// every stream to its end and be watched the whole time, the floor through its loop-delay probe.
// No timing or size is asserted, only that each reading exists.

const STREAMS = 30;

describe('bench/many-streams.js', () => {
  const outputDirectory = mkdtempSync(path.join(tmpdir(), 'many-streams-smoke-'));
  afterAll(() => rmSync(outputDirectory, { recursive: true, force: true }));

  it('opens the same streams through Switchyard and the floor proxy and reports both', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runBenchScript('many-streams.js', [
      '--quick', '--streams', String(STREAMS), '--seconds', '2', '--interval-ms', '500', '--ramp-seconds', '0.5', '--output', outputDirectory,
    ]);
    expect(code, stderr).toBe(0);
    const written = JSON.parse(readFileSync(path.join(outputDirectory, 'many-streams.json'), 'utf8'));
    expect(written.ledgerVerify).toBe('ok');
    expect(written.results.map((result: { target: string }) => result.target)).toEqual(['switchyard', 'floor']);
    for (const result of written.results) {
      expect(result.name).toBe(`${result.target}, ${STREAMS} streams`);
      expect(result.completed, result.target).toBe(STREAMS);
      expect(result.stalled, result.target).toBe(0);
      expect(result.loopDelay.emptyWindows, result.target).toBe(0);
      // A reading holds the 10 ms sampling interval, so a real one is never below it.
      expect(result.loopDelay.p99MaxMs, result.target).toBeGreaterThanOrEqual(10);
      expect(result.loopDelay.idleP99Ms, result.target).toBeGreaterThanOrEqual(10);
      expect(result.cpu.gatewaySeconds, result.target).toBeGreaterThan(0);
    }
    const rows = stdout.split('\n').filter((line) => /^\| (switchyard|floor) /.test(line));
    expect(rows).toHaveLength(2);
  });
});

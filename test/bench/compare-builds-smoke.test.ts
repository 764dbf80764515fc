import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBenchScript } from '../support/run-bench-script.js';

// The side-by-side comparison of two builds, in a tiny run of the same build against itself: it
// must bring both instances up, alternate the windows and report. No timing is asserted.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const compare = (argumentsList: string[]) => runBenchScript('compare-builds.js', argumentsList);

describe('bench/compare-builds.js', () => {
  it('measures two instances in alternating windows and reports each one and their ratio', { timeout: 90_000 }, async () => {
    const bin = path.join(repositoryRoot, 'bin', 'switchyard.js');
    const { code, stdout, stderr } = await compare([
      '--a', bin, '--b', bin, '--b-env', 'SWITCHYARD_SETTLEMENT_FLUSH_MS=50',
      '--clients', '2', '--window', '0.3', '--cycles', '2', '--jit-warmup', '0.1',
      '--a-prelude', 'bench-delay-20:4:0.3:0',
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/cycle 2\/2: A \d+, B \d+ µs\/request/);
    const rows = stdout.split('\n').filter((line) => /^\| [AB] /.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain('SWITCHYARD_SETTLEMENT_FLUSH_MS=50');
    expect(rows[0]).toContain('prelude bench-delay-20 x4');
    expect(rows[1]).not.toContain('prelude');
    const prelude = /A prelude: (\d+) bench-delay-20 requests at 4 clients, (\d+) failed/.exec(stderr);
    expect(prelude, stderr).not.toBeNull();
    expect(Number(prelude![1])).toBeGreaterThan(0);
    expect(prelude![2]).toBe('0');
    for (const row of rows) {
      const cells = row.split('|').map((cell) => cell.trim());
      expect(Number(cells[4]!.replaceAll(',', '')), row).toBeGreaterThan(0);
      expect(cells[5], row).toBe('0');
    }
    const ratio = /median B ÷ A: ([0-9.]+) \(2 cycles/.exec(stdout);
    expect(ratio, stdout).not.toBeNull();
    expect(Number(ratio![1])).toBeGreaterThan(0);
  });

  it('measures streamed answers of another model', { timeout: 60_000 }, async () => {
    const bin = path.join(repositoryRoot, 'bin', 'switchyard.js');
    const { code, stdout, stderr } = await compare(['--a', bin, '--model', 'bench-stream-8', '--stream', '--clients', '2', '--window', '0.3', '--cycles', '1', '--jit-warmup', '0.1']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/median B ÷ A: [0-9.]+ \(1 cycles of 0.3 s windows at 2 clients, bench-stream-8 streamed\)/);
    const failedCells = stdout.split('\n').filter((line) => /^\| [AB] /.test(line)).map((row) => row.split('|')[5]!.trim());
    expect(failedCells).toEqual(['0', '0']);
    expect(stdout).toMatch(/first event p50 \(median of windows\): A \d+\.\d{3} ms, B \d+\.\d{3} ms\n/);
    expect(stdout).toMatch(/median B − A: -?\d+\.\d{3} ms/);
  });

  it('times the first events of paced streams at one client, saying how many windows had the client at real-time priority', { timeout: 60_000 }, async () => {
    const bin = path.join(repositoryRoot, 'bin', 'switchyard.js');
    const { code, stdout, stderr } = await compare(['--a', bin, '--model', 'bench-paced-20x2', '--stream', '--clients', '1', '--window', '0.4', '--cycles', '1', '--jit-warmup', '0.1']);
    expect(code, stderr).toBe(0);
    const line = /first event p50 \(median of windows\): A (\d+\.\d+) ms, B (\d+\.\d+) ms, real-time client in [0-2] of 2 windows/.exec(stdout);
    expect(line, stdout).not.toBeNull();
    // The first content comes 20 ms after the stream opens.
    expect(Number(line![1])).toBeGreaterThanOrEqual(20);
    expect(Number(line![2])).toBeGreaterThanOrEqual(20);
  });

  it('refuses a prelude it cannot read', async () => {
    const bin = path.join(repositoryRoot, 'bin', 'switchyard.js');
    const { code, stderr } = await compare(['--a', bin, '--a-prelude', 'bench-model:many:3']);
    expect(code).toBe(1);
    expect(stderr).toContain('expected MODEL:CLIENTS:SECONDS[:IDLE_SECONDS], got bench-model:many:3');
  });

  it('refuses to run without the first build', async () => {
    const { code, stderr } = await compare(['--cycles', '1']);
    expect(code).toBe(1);
    expect(stderr).toContain('--a PATH');
  });
});

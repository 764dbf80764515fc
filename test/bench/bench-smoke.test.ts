import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/temporary-directory.js';

// The benchmark in its smoke mode: it must start every target, measure, and write its report.
// Only that it runs and reports is asserted, never a timing: timings belong to `npm run bench`.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface BenchRun {
  caseId: string;
  target: string;
  completed: number;
  failed: number;
  requestsPerSecond: number;
}

interface BenchResults {
  settings: { cases: Array<{ id: string; targets: string[]; concurrencies: number[] }> };
  runs: BenchRun[];
  targets: Array<{ description: string }>;
}

function runBench(outputDirectory: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['bench/run.js', '--quick', '--scenario', 'chat,stream', '--output', outputDirectory],
      { cwd: repositoryRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
    });
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('npm run bench, smoke mode', () => {
  it('runs every target of the chat and stream scenarios and writes JSON, SVG and Markdown', { timeout: 120_000 }, async () => {
    const outputDirectory = temporaryDirectory('switchyard-bench-smoke-');
    const { code, stderr } = await runBench(outputDirectory);
    expect(code, stderr).toBe(0);

    const results = JSON.parse(readFileSync(path.join(outputDirectory, 'latest.json'), 'utf8')) as BenchResults;
    const expected = results.settings.cases.flatMap((benchCase) => benchCase.targets.map((target) => `${benchCase.id} ${target}`));
    expect(expected).toEqual(expect.arrayContaining(['chat switchyard', 'chat floor', 'chat portkey', 'chat direct', 'stream-64 switchyard']));
    for (const key of expected) {
      const runs = results.runs.filter((run) => `${run.caseId} ${run.target}` === key);
      expect(runs.length, key).toBeGreaterThan(0);
      for (const run of runs) {
        expect(Number.isFinite(run.completed) && run.completed > 0, `${key} completed`).toBe(true);
        expect(Number.isFinite(run.requestsPerSecond) && run.requestsPerSecond > 0, `${key} req/s`).toBe(true);
        expect(run.failed, key).toBe(0);
      }
    }
    expect(results.targets.length).toBeGreaterThan(0);

    const svg = readFileSync(path.join(outputDirectory, 'latest.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(existsSync(path.join(outputDirectory, 'latest.md'))).toBe(true);
  });
});

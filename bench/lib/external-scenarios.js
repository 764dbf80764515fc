// The scenarios that run as their own scripts (bench/many-streams.js, bench/slow-store.js): started
// as children with `--quick` and this run's output directory passed through, and their results
// file (<output>/<scenario>.json) read back when this run wrote it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXTERNAL_SCENARIOS } from './bench-scenarios.js';
import { trackChild } from './child-processes.js';

/**
 * @param {string} name a key of EXTERNAL_SCENARIOS
 * @param {{ benchDirectory: string, outputDirectory: string, quick: boolean, log: (line: string) => void }} options
 * @returns {Promise<{ status: 'ok' | 'missing' | 'failed', script: string, exitCode?: number | null, error?: string, results?: unknown }>}
 */
export async function runExternalScenario(name, { benchDirectory, outputDirectory, quick, log }) {
  const script = path.join(benchDirectory, EXTERNAL_SCENARIOS[name]);
  const relativeScript = path.relative(path.dirname(benchDirectory), script);
  if (!existsSync(script)) {
    log(`${name}: ${relativeScript} does not exist, skipped`);
    return { status: 'missing', script: relativeScript };
  }
  const resultsPath = path.join(outputDirectory, `${name}.json`);
  const startedAt = Date.now();
  // Only --expose-gc is passed on: other flags of this process (say -e) must not reach the child.
  const nodeFlags = process.execArgv.filter((flag) => flag === '--expose-gc');
  const scriptArguments = [...(quick ? ['--quick'] : []), '--output', outputDirectory];
  const commandArguments = [...nodeFlags, script, ...scriptArguments];
  log(`${name}: running node ${relativeScript} ${scriptArguments.join(' ')}`);
  const exitCode = await new Promise((resolve) => {
    const child = spawn(process.execPath, commandArguments, { stdio: ['ignore', 'pipe', 'inherit'] });
    trackChild(child);
    // Its report goes to stderr here, so that stdout carries only this bench's report.
    child.stdout?.on('data', (chunk) => process.stderr.write(chunk));
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : code));
    child.once('error', () => resolve(null));
  });
  const fresh = existsSync(resultsPath) && statSync(resultsPath).mtimeMs >= startedAt - 1_000;
  let results;
  if (fresh) {
    try {
      results = JSON.parse(readFileSync(resultsPath, 'utf8'));
    } catch (error) {
      return { status: 'failed', script: relativeScript, exitCode, error: `unreadable ${name}.json: ${String(error)}` };
    }
  }
  if (exitCode !== 0 || results === undefined) {
    const error = exitCode !== 0 ? `exited with ${exitCode}` : `wrote no ${resultsPath}`;
    log(`${name}: ${error}`);
    return { status: 'failed', script: relativeScript, exitCode, error, ...(results === undefined ? {} : { results }) };
  }
  return { status: 'ok', script: relativeScript, exitCode, results };
}

// The failover overhead: how much latency one failed attempt (connection refused) adds before the
// channel that answers. Uses only the gateway's public surface, like `bench/run.js`.
//
//   npm run build && node bench/failover-overhead.js [--samples N] [--bin PATH] [--keep-temp]
//
// Two kinds of request, interleaved one at a time on 127.0.0.1:
//   direct    model `direct-model`, served by the mock channel only;
//   failover  model `failover-<i>`, served first by a channel `refused-<i>` whose port has nothing
//             listening, then by the mock channel. Each sample has a refused channel of its own,
//             so a circuit breaker or cooldown never spares it: every sample makes two attempts
//             (checked through `x-switchyard-attempts`; samples with another count are left out).
// The overhead is the median of the paired differences (failover − the direct request next to it).
// Prints a table; writes bench/results/failover-overhead.json.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startBenchChild, stopAllChildren, stopChild } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import {
  assertGatewayBuilt,
  createBenchDirectory,
  findFreePort,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  startGateway,
} from './lib/gateway-setup.js';
import { machineFacts } from './lib/machine-facts.js';
import { percentile } from './lib/stats.js';
import { writeResultsFile } from './lib/write-results.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const WARMUP_PAIRS = 20;

function writeConfig(directory, mockOrigin, refusedOrigin, samples) {
  const quoted = JSON.stringify;
  const failoverModels = Array.from({ length: samples + WARMUP_PAIRS }, (_, index) => `failover-${index}`);
  const lines = ['pricing:', '  markup: 1', 'channels:'];
  failoverModels.forEach((model, index) => {
    lines.push(
      `  - name: refused-${index}`,
      '    provider: openai-compatible',
      `    base_url: ${quoted(`${refusedOrigin}/v1`)}`,
      '    api_key: bench-key',
      `    models: [${model}]`,
      '    priority: 0',
    );
  });
  lines.push(
    '  - name: mock',
    '    provider: openai-compatible',
    `    base_url: ${quoted(`${mockOrigin}/v1`)}`,
    '    api_key: bench-key',
    `    models: [direct-model, ${failoverModels.join(', ')}]`,
    '    priority: 1',
    'models:',
  );
  for (const model of ['direct-model', ...failoverModels]) {
    lines.push(`  - id: ${model}`, '    provider: openai-compatible', '    pricing: { input: 1, output: 2 }');
  }
  const configPath = path.join(directory, 'switchyard.yaml');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  return configPath;
}

async function timedRequest(origin, apiKey, model) {
  const started = performance.now();
  const response = await fetch(`${origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 16 }),
  });
  const body = await response.text();
  const elapsedMs = performance.now() - started;
  if (response.status !== 200) throw new Error(`${model}: HTTP ${response.status}: ${body.slice(0, 300)}`);
  return { elapsedMs, attempts: Number(response.headers.get('x-switchyard-attempts')) };
}

const round = (value) => Math.round(value * 1000) / 1000;

function summary(values) {
  const sorted = [...values].sort((left, right) => left - right);
  return { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)) };
}

async function main() {
  const options = parseOptions(process.argv.slice(2), { samples: 'number', bin: 'string', 'keep-temp': 'flag' });
  const samples = Math.max(10, Math.round(Number(options.samples ?? 200)));
  const binPath = path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js')));
  assertGatewayBuilt(repositoryRoot, binPath, options.bin === undefined);
  const directory = createBenchDirectory();
  try {
    const mock = await startBenchChild(path.join(benchDirectory, 'mock-upstream.js'), { name: 'mock upstream' });
    // A port that was free a moment ago: connecting to it is refused at once.
    const refusedOrigin = `http://127.0.0.1:${await findFreePort()}`;
    const configPath = writeConfig(directory, mock.origin, refusedOrigin, samples);
    const environment = gatewayEnvironment(directory, configPath);
    process.stderr.write('failover bench: provisioning a temporary instance\n');
    const apiKey = await provisionBenchAccount(binPath, environment);
    const gateway = await startGateway(binPath, environment, directory);

    const direct = [];
    const failover = [];
    const overhead = [];
    let otherAttemptCounts = 0;
    for (let index = 0; index < samples + WARMUP_PAIRS; index++) {
      // Alternate which goes first, so neither always meets a warmer process.
      const failoverFirst = index % 2 === 0;
      const first = await timedRequest(gateway.origin, apiKey, failoverFirst ? `failover-${index}` : 'direct-model');
      const second = await timedRequest(gateway.origin, apiKey, failoverFirst ? 'direct-model' : `failover-${index}`);
      const [failed, plain] = failoverFirst ? [first, second] : [second, first];
      if (index < WARMUP_PAIRS) continue;
      if (failed.attempts !== 2 || plain.attempts !== 1) {
        otherAttemptCounts++;
        continue;
      }
      direct.push(plain.elapsedMs);
      failover.push(failed.elapsedMs);
      overhead.push(failed.elapsedMs - plain.elapsedMs);
    }
    await stopChild(gateway.child);
    await mock.stop();

    const result = {
      date: new Date().toISOString(),
      samples: overhead.length,
      leftOutForOtherAttemptCounts: otherAttemptCounts,
      directMs: summary(direct),
      failoverMs: summary(failover),
      overheadMs: summary(overhead),
      machine: machineFacts(repositoryRoot, ['fastify', 'undici']),
    };
    process.stdout.write(
      [
        `failover overhead (connection refused, then success), ${result.samples} pairs, ms:`,
        `  direct    p50 ${result.directMs.p50}  p90 ${result.directMs.p90}  p99 ${result.directMs.p99}`,
        `  failover  p50 ${result.failoverMs.p50}  p90 ${result.failoverMs.p90}  p99 ${result.failoverMs.p99}`,
        `  overhead  p50 ${result.overheadMs.p50}  p90 ${result.overheadMs.p90}  p99 ${result.overheadMs.p99}` +
          (otherAttemptCounts > 0 ? `  (${otherAttemptCounts} pairs left out: unexpected attempt counts)` : ''),
        '',
      ].join('\n'),
    );
    writeResultsFile(path.join(benchDirectory, 'results', 'failover-overhead.json'), result);
    if (result.samples === 0) process.exitCode = 1;
  } finally {
    await stopAllChildren();
    if (options['keep-temp'] === true) process.stderr.write(`failover bench: kept ${directory}\n`);
    else removeBenchDirectory(directory);
  }
}

main().catch((error) => {
  process.stderr.write(`failover bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

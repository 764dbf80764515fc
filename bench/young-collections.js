// What young-generation collections cost the gateway under load: several fresh processes, one
// after another, each traced with `--trace-gc-nvp` through one window of closed-loop chat load,
// so that a state a process falls into at start-up and keeps (docs/decisions/0012) shows up as a
// spread between processes rather than as noise within one.
//
//   npm run build && node bench/young-collections.js [--bin bin/switchyard.js] [--processes 4]
//     [--clients 64] [--warmup 6] [--window 6] [--env K=V,K=V] [--node-flags "--flag"]
//
// Per process: requests in the window, young collections, what each kept (survived) and promoted
// on average, their mean pause, the main thread's pause per request, full collections, and the
// bytes allocated per request.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from './lib/bench-scenarios.js';
import { startBenchChild, stopAllChildren } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import { formatTable } from './lib/format-table.js';
import {
  assertGatewayBuilt,
  BENCH_MODEL,
  createBenchDirectory,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  startGateway,
  writeBenchConfig,
} from './lib/gateway-setup.js';
import { runLoad } from './lib/load-loop.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function readOptions() {
  const options = parseOptions(process.argv.slice(2), {
    bin: 'string',
    processes: 'number',
    clients: 'number',
    warmup: 'number',
    window: 'number',
    env: 'string',
    'node-flags': 'string',
  });
  return {
    binPath: path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    processes: Math.max(1, Math.round(Number(options.processes ?? 4))),
    clients: Number(options.clients ?? 64),
    warmupMs: Number(options.warmup ?? 6) * 1000,
    windowMs: Number(options.window ?? 6) * 1000,
    environment: Object.fromEntries(
      String(options.env ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
    nodeFlags: String(options['node-flags'] ?? '').split(' ').filter(Boolean),
  };
}

/** `--trace-gc-nvp` lines: `key=value` pairs after the process prefix. */
function tracedCollections(text) {
  return text
    .split('\n')
    .filter((line) => line.includes(' gc='))
    .map((line) => Object.fromEntries(line.split(' ').filter((pair) => pair.includes('=')).map((pair) => pair.split('='))));
}

async function traceOneProcess(settings, mockOrigin) {
  const directory = createBenchDirectory();
  try {
    const environment = gatewayEnvironment(directory, writeBenchConfig(directory, mockOrigin), settings.environment);
    const apiKey = await provisionBenchAccount(settings.binPath, environment);
    const gateway = await startGateway(settings.binPath, environment, directory, ['--trace-gc-nvp', ...settings.nodeFlags]);
    try {
      const load = {
        origin: gateway.origin,
        request: {
          path: '/v1/chat/completions',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
          body: JSON.stringify({ model: BENCH_MODEL, messages: MESSAGES, max_tokens: 16 }),
        },
        concurrency: settings.clients,
      };
      await runLoad({ ...load, durationMs: settings.warmupMs });
      const logBefore = readFileSync(gateway.logPath, 'utf8').length;
      const result = await runLoad({ ...load, durationMs: settings.windowMs });
      const collections = tracedCollections(readFileSync(gateway.logPath, 'utf8').slice(logBefore));
      return summarize(collections, result.completed, result.failed);
    } finally {
      gateway.child.kill('SIGTERM');
      await new Promise((resolve) => gateway.child.once('exit', resolve));
    }
  } finally {
    removeBenchDirectory(directory);
  }
}

function summarize(collections, requests, failed) {
  const young = collections.filter((collection) => collection.gc === 's');
  const total = (key) => young.reduce((sum, collection) => sum + Number(collection[key] ?? 0), 0);
  const perCollection = (key) => (young.length === 0 ? 0 : total(key) / young.length);
  return {
    requests,
    failed,
    youngCollections: young.length,
    fullCollections: collections.filter((collection) => collection.gc === 'mc').length,
    keptKilobytes: perCollection('new_space_survived') / 1024,
    promotedKilobytes: perCollection('promoted') / 1024,
    pauseMilliseconds: perCollection('pause'),
    pauseMicrosecondsPerRequest: requests === 0 ? 0 : (total('pause') * 1000) / requests,
    allocatedKilobytesPerRequest: requests === 0 ? 0 : total('allocated') / 1024 / requests,
  };
}

async function main() {
  const settings = readOptions();
  assertGatewayBuilt(repositoryRoot, settings.binPath, false);
  const mock = await startBenchChild(path.join(repositoryRoot, 'bench', 'mock-upstream.js'), { name: 'mock upstream' });
  const rows = [];
  try {
    for (let index = 1; index <= settings.processes; index += 1) {
      const traced = await traceOneProcess(settings, mock.origin);
      process.stderr.write(`process ${index}/${settings.processes}: ${traced.requests} requests, kept ${traced.keptKilobytes.toFixed(0)} KB a young collection\n`);
      rows.push([
        String(index),
        traced.requests.toLocaleString('en-US'),
        String(traced.failed),
        String(traced.youngCollections),
        traced.keptKilobytes.toFixed(0),
        traced.promotedKilobytes.toFixed(0),
        traced.pauseMilliseconds.toFixed(2),
        traced.pauseMicrosecondsPerRequest.toFixed(1),
        String(traced.fullCollections),
        traced.allocatedKilobytesPerRequest.toFixed(1),
      ]);
    }
  } finally {
    await stopAllChildren();
  }
  const headers = ['process', 'requests', 'failed', 'young GCs', 'kept KB each', 'promoted KB each', 'pause ms each', 'pause µs/request', 'full GCs', 'allocated KB/request'];
  process.stdout.write(`${formatTable(headers, rows)}\n`);
  process.stdout.write(`${settings.clients} clients, ${settings.windowMs / 1000} s window after ${settings.warmupMs / 1000} s of warm-up, ${settings.binPath}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

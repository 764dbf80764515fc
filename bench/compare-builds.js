// Two builds of the gateway side by side: CPU per request under the same closed-loop chat load,
// in short windows that alternate A B, B A, A B ... so that the machine's drift (on a virtual
// machine, the same build measured 144 µs and 207 µs a request minutes apart) falls on both
// alike. Each build runs its own instance (temp dir, SQLite) on the same mock upstream. A change
// of a few percent needs a dozen cycles or more: the per-cycle ratio of one build against itself
// spread from 0.85 to 1.31 over 8 cycles, with a median of 0.996.
//
//   node bench/compare-builds.js --a OLD/bin/switchyard.js [--b bin/switchyard.js] [--clients 64]
//     [--window 3] [--cycles 12] [--jit-warmup 5] [--a-env K=V,K=V] [--b-env ...]
//     [--a-node-flags "--flag"] [--b-node-flags ...] [--a-warmup SECONDS] [--b-warmup SECONDS]
//     [--a-prelude MODEL:CLIENTS:SECONDS[:IDLE_SECONDS]] [--b-prelude ...] [--model bench-model] [--stream]
//
// --model and --stream measure another of the bench's models than the small chat, streamed with
// --stream (bench-stream-64 and bench-stream-8: the difference of the two is 56 chunks' cost).
// Streamed, each side's median time to the first event is reported too, with the paired
// difference per cycle; at --clients 1 the windows run with the load generator at real-time
// priority, as the bench times first tokens (`lib/client-priority.js`).
//
// With the same build on both sides, these compare a process's history rather than its code:
// --a-warmup / --b-warmup give one side a longer load before the cycles than --jit-warmup (an aged
// process, with a large heap and database, against a fresh one); --a-prelude / --b-prelude send
// one side a burst of another model's requests after the warm-up (bench-delay-1500 at 1,000
// clients: a thousand requests in flight), then leave it idle for IDLE_SECONDS (default 2).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from './lib/bench-scenarios.js';
import { startBenchChild, stopAllChildren } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
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
import { withRealtimeClient } from './lib/client-priority.js';
import { formatTable } from './lib/format-table.js';
import { runLoad } from './lib/load-loop.js';
import { processTreeCpuSeconds } from './lib/process-cpu.js';
import { median } from './lib/stats.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Work a window started finishes inside it: the records of its last requests wait for the
// settlement writer's timer (500 ms) when they are fewer than a full batch, and their batch must
// count in this window. At 300 ms, that last batch fell outside every window, which flattered
// larger batches.
const SETTLE_MS = 1_000;

function readSettings() {
  const options = parseOptions(process.argv.slice(2), {
    a: 'string',
    b: 'string',
    clients: 'number',
    window: 'number',
    cycles: 'number',
    'jit-warmup': 'number',
    'a-env': 'string',
    'b-env': 'string',
    'a-node-flags': 'string',
    'b-node-flags': 'string',
    'a-warmup': 'number',
    'b-warmup': 'number',
    'a-prelude': 'string',
    'b-prelude': 'string',
    model: 'string',
    stream: 'flag',
  });
  if (options.a === undefined) throw new Error('--a PATH (the bin/switchyard.js of the first build) is required');
  const side = (name) => ({
    name: name.toUpperCase(),
    binPath: path.resolve(String(options[name] ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    environment: parseEnvironment(options[`${name}-env`]),
    nodeFlags: String(options[`${name}-node-flags`] ?? '').split(' ').filter(Boolean),
    warmupMs: Number(options[`${name}-warmup`] ?? options['jit-warmup'] ?? 5) * 1000,
    prelude: parsePrelude(options[`${name}-prelude`]),
  });
  return {
    sides: [side('a'), side('b')],
    clients: Number(options.clients ?? 64),
    windowMs: Number(options.window ?? 3) * 1000,
    cycles: Math.round(Number(options.cycles ?? 12)),
    model: String(options.model ?? BENCH_MODEL),
    stream: options.stream === true,
  };
}

/** "K=V,K2=V2" -> { K: 'V', K2: 'V2' } */
function parseEnvironment(text) {
  if (text === undefined) return {};
  return Object.fromEntries(
    String(text)
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`expected K=V, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
}

/** "MODEL:CLIENTS:SECONDS[:IDLE_SECONDS]" -> the burst, or null */
function parsePrelude(text) {
  if (text === undefined) return null;
  const [model, clients, seconds, idleSeconds = '2'] = String(text).split(':');
  const numbers = [clients, seconds, idleSeconds].map(Number);
  if (!model || numbers.some((value) => !Number.isFinite(value) || value < 0)) {
    throw new Error(`expected MODEL:CLIENTS:SECONDS[:IDLE_SECONDS], got ${text}`);
  }
  const [concurrency, durationSeconds, idle] = numbers;
  return { model, concurrency, durationMs: durationSeconds * 1000, idleMs: idle * 1000 };
}

async function runPrelude(side) {
  const { model, concurrency, durationMs, idleMs } = side.prelude;
  const body = requestBody(model, false);
  const result = await runLoad({ ...side.load, request: { ...side.load.request, body }, concurrency, durationMs });
  process.stderr.write(`${side.name} prelude: ${result.completed} ${model} requests at ${concurrency} clients, ${result.failed} failed\n`);
  await new Promise((resolve) => setTimeout(resolve, idleMs));
}

function requestBody(model, stream) {
  return JSON.stringify(
    stream ? { model, messages: MESSAGES, max_tokens: 64, stream: true, stream_options: { include_usage: true } } : { model, messages: MESSAGES, max_tokens: 16 },
  );
}

async function startSide(side, mockOrigin, settings) {
  assertGatewayBuilt(repositoryRoot, side.binPath, false);
  const directory = createBenchDirectory();
  const environment = gatewayEnvironment(directory, writeBenchConfig(directory, mockOrigin), side.environment);
  const apiKey = await provisionBenchAccount(side.binPath, environment);
  const gateway = await startGateway(side.binPath, environment, directory, side.nodeFlags);
  const load = {
    origin: gateway.origin,
    request: {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: requestBody(settings.model, settings.stream),
      stream: settings.stream,
    },
  };
  return { ...side, directory, gateway, load, windows: [], firstEvents: [], realtimeWindows: 0, cpuSeconds: 0, requests: 0, failed: 0 };
}

async function measure(side, clients, windowMs) {
  const timesFirstEvent = side.load.request.stream === true;
  const before = processTreeCpuSeconds(side.gateway.pid);
  const run = () => runLoad({ ...side.load, concurrency: clients, durationMs: windowMs });
  const { result, realtime } = timesFirstEvent && clients === 1 ? await withRealtimeClient(run) : { result: await run(), realtime: false };
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const cpuSeconds = processTreeCpuSeconds(side.gateway.pid) - before;
  side.cpuSeconds += cpuSeconds;
  side.requests += result.completed;
  side.failed += result.failed;
  side.windows.push((cpuSeconds * 1e6) / result.completed);
  if (timesFirstEvent) side.firstEvents.push(median(result.firstEventMs));
  if (realtime) side.realtimeWindows += 1;
}

/** The streamed sides' first events: each side's median over its windows, and B − A per cycle. */
function firstEventLines(a, b, settings) {
  if (!settings.stream) return '';
  const differences = a.firstEvents.map((value, index) => b.firstEvents[index] - value);
  const priority = settings.clients === 1 ? `, real-time client in ${a.realtimeWindows + b.realtimeWindows} of ${2 * settings.cycles} windows` : '';
  return (
    `first event p50 (median of windows): A ${median(a.firstEvents).toFixed(3)} ms, B ${median(b.firstEvents).toFixed(3)} ms${priority}\n` +
    `B − A per cycle: ${differences.map((difference) => difference.toFixed(3)).join(' ')}\n` +
    `median B − A: ${median(differences).toFixed(3)} ms\n`
  );
}

async function main() {
  const settings = readSettings();
  const mock = await startBenchChild(path.join(repositoryRoot, 'bench', 'mock-upstream.js'), { name: 'mock upstream' });
  const sides = [];
  try {
    for (const side of settings.sides) sides.push(await startSide(side, mock.origin, settings));
    for (const side of sides) {
      const warmup = await runLoad({ ...side.load, concurrency: settings.clients, durationMs: side.warmupMs });
      process.stderr.write(`${side.name} warmed up: ${warmup.completed} requests in ${side.warmupMs / 1000} s\n`);
    }
    for (const side of sides) if (side.prelude) await runPrelude(side);
    for (let cycle = 0; cycle < settings.cycles; cycle += 1) {
      const order = cycle % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) await measure(side, settings.clients, settings.windowMs);
      process.stderr.write(`cycle ${cycle + 1}/${settings.cycles}: ${sides.map((side) => `${side.name} ${side.windows.at(-1).toFixed(0)}`).join(', ')} µs/request\n`);
    }
    const [a, b] = sides;
    const ratios = a.windows.map((value, index) => b.windows[index] / value);
    const describe = (side) => [
      side.name,
      path.relative(process.cwd(), side.binPath) || side.binPath,
      [
        Object.entries(side.environment).map(([key, value]) => `${key}=${value}`).join(' '),
        side.nodeFlags.join(' '),
        `warm-up ${side.warmupMs / 1000} s`,
        side.prelude ? `prelude ${side.prelude.model} x${side.prelude.concurrency} ${side.prelude.durationMs / 1000} s, idle ${side.prelude.idleMs / 1000} s` : '',
      ].filter(Boolean).join(' '),
      side.requests,
      side.failed,
      (side.cpuSeconds * 1e6) / side.requests,
      median(side.windows),
    ];
    process.stdout.write(
      `${formatTable(['build', 'bin', 'settings', 'requests', 'failed', 'CPU µs/request (all windows)', 'median of windows'], sides.map(describe))}\n` +
        `B ÷ A per cycle: ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')}\n` +
        `median B ÷ A: ${median(ratios).toFixed(3)} (${settings.cycles} cycles of ${settings.windowMs / 1000} s windows at ${settings.clients} clients, ${settings.model}${settings.stream ? ' streamed' : ''})\n` +
        firstEventLines(a, b, settings),
    );
    if (a.failed + b.failed > 0) process.exitCode = 1;
  } finally {
    await stopAllChildren();
    for (const side of sides) removeBenchDirectory(side.directory);
  }
}

main().catch(async (error) => {
  process.stderr.write(`compare-builds failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAllChildren();
  process.exit(1);
});

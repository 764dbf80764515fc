// Profiles the gateway under load: a throw-away instance set up like the bench's, `serve` run under
// `node --cpu-prof`, closed-loop load on one scenario, then flame graphs of the measured window
// (main thread, and the SQLite settlement thread when it ran) and a self-time table on stdout.
//
//   node bench/profile-gateway.js [--scenario chat|stream] [--concurrency 32] [--seconds 8]
//     [--warmup 2] [--chunks 64] [--interval-us 1000] [--out docs/performance] [--min-percent 0.3] [--keep]
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { renderFlameGraph, selfTimeTable } from './flame-graph.js';
import { startBenchChild, trackChild } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import {
  assertGatewayBuilt,
  BENCH_MODEL,
  createBenchDirectory,
  findFreePort,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  writeBenchConfig,
} from './lib/gateway-setup.js';
import { runLoad } from './lib/load-loop.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binPath = path.join(repositoryRoot, 'bin', 'switchyard.js');
const HEALTH_TIMEOUT_MS = 30_000;
// Shutdown drains in-flight work and flushes the settlement journal before the profile is written.
const EXIT_TIMEOUT_MS = 30_000;

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];
const REQUEST_BODIES = {
  chat: { model: BENCH_MODEL, messages: MESSAGES, max_tokens: 16 },
  stream: { model: BENCH_MODEL, messages: MESSAGES, max_tokens: 64, stream: true, stream_options: { include_usage: true } },
};

function readOptions() {
  const parsed = parseOptions(process.argv.slice(2), {
    scenario: 'string',
    concurrency: 'number',
    seconds: 'number',
    warmup: 'number',
    chunks: 'number',
    'interval-us': 'number',
    out: 'string',
    'min-percent': 'number',
    keep: 'flag',
  });
  const scenario = String(parsed.scenario ?? 'chat');
  if (!(scenario in REQUEST_BODIES)) throw new Error(`--scenario must be chat or stream, got ${scenario}`);
  return {
    scenario: /** @type {'chat' | 'stream'} */ (scenario),
    concurrency: Number(parsed.concurrency ?? 32),
    seconds: Number(parsed.seconds ?? 8),
    warmupSeconds: Number(parsed.warmup ?? 2),
    chunks: Number(parsed.chunks ?? 64),
    // V8's default sampling period; a shorter one resolves small functions better, at more overhead.
    intervalMicros: Number(parsed['interval-us'] ?? 1000),
    outDirectory: path.resolve(String(parsed.out ?? path.join(repositoryRoot, 'docs', 'performance'))),
    minPercent: Number(parsed['min-percent'] ?? 0.3),
    keep: parsed.keep === true,
  };
}

/** `serve` under the CPU profiler (a node argument: NODE_OPTIONS does not accept --cpu-prof). */
async function startProfiledGateway(environment, directory, profileDirectory, intervalMicros) {
  const port = await findFreePort();
  const logPath = path.join(directory, 'gateway.log');
  const logDescriptor = openSync(logPath, 'a');
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`, `--cpu-prof-interval=${intervalMicros}`, binPath, 'serve'], {
    env: { ...environment, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production' },
    stdio: ['ignore', logDescriptor, logDescriptor],
  });
  closeSync(logDescriptor);
  trackChild(child);
  const logTail = () => readFileSync(logPath, 'utf8').slice(-3000);
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`\`switchyard serve\` exited early. Its log:\n${logTail()}`);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return { child, origin, logTail };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`\`switchyard serve\` did not answer GET /healthz in time. Its log:\n${logTail()}`);
}

/** SIGTERM and wait for a clean exit: the profiles are written only then. */
function stopAndWait(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not exit within ${EXIT_TIMEOUT_MS / 1000} s of SIGTERM; no profile was written`));
    }, EXIT_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill('SIGTERM');
  });
}

function monotonicMicros() {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The profiles `--cpu-prof` wrote, one per thread, with the thread's role. */
function readProfiles(profileDirectory) {
  const profiles = readdirSync(profileDirectory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => {
      const profile = JSON.parse(readFileSync(path.join(profileDirectory, name), 'utf8'));
      const settlement = (profile.nodes ?? []).some((node) => String(node.callFrame?.url ?? '').includes('settlement-thread-worker'));
      return { name, profile, samples: (profile.samples ?? []).length, settlement };
    })
    .sort((left, right) => right.samples - left.samples);
  if (profiles.length === 0) throw new Error('the gateway exited but wrote no .cpuprofile');
  const [main, ...others] = profiles;
  return { main, settlement: others.find((entry) => entry.settlement), others: others.filter((entry) => !entry.settlement) };
}

/** Keeps the graphs to the load window when the profile's clock covers it (same monotonic clock). */
function windowFor(profile, window) {
  if (profile.startTime <= window.startMicros && profile.endTime >= window.endMicros) return window;
  process.stderr.write('profile-gateway: the profile clock does not cover the load window; graphing the whole profile\n');
  return undefined;
}

function printSelfTimeTable(heading, rows) {
  const lines = [
    `\n${heading}\n`,
    '| # | function | file | self ms | % of non-idle |',
    '| -: | -------- | ---- | ------: | ------------: |',
    ...rows.map(
      (row, index) =>
        `| ${index + 1} | \`${row.functionName.replace(/\|/g, '\\|')}\` | ${row.file ? `\`${row.file}\`` : ''} | ${(row.selfMicros / 1000).toFixed(1)} | ${row.percent.toFixed(1)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  const options = readOptions();
  assertGatewayBuilt(repositoryRoot, binPath, true);
  const directory = createBenchDirectory();
  const profileDirectory = path.join(directory, 'cpu-profiles');
  let mock;
  try {
    mock = await startBenchChild(path.join(repositoryRoot, 'bench', 'mock-upstream.js'), {
      name: 'mock upstream',
      env: { MOCK_STREAM_CHUNKS: String(options.chunks), MOCK_CHUNK_INTERVAL_MS: '0' },
    });
    const configPath = writeBenchConfig(directory, mock.origin);
    const environment = gatewayEnvironment(directory, configPath);
    const apiKey = await provisionBenchAccount(binPath, environment);
    const gateway = await startProfiledGateway(environment, directory, profileDirectory, options.intervalMicros);

    const request = {
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(REQUEST_BODIES[options.scenario]),
      stream: options.scenario === 'stream',
    };
    const check = await fetch(gateway.origin + request.path, { method: 'POST', headers: request.headers, body: request.body });
    const checkText = await check.text();
    if (check.status !== 200) throw new Error(`the gateway answered the check request with ${check.status}: ${checkText.slice(0, 500)}`);

    process.stdout.write(
      `profiling ${options.scenario} at ${options.concurrency} clients: ${options.warmupSeconds} s warm-up, ${options.seconds} s measured\n`,
    );
    const window = { startMicros: 0, endMicros: 0 };
    const result = await runLoad({
      origin: gateway.origin,
      concurrency: options.concurrency,
      warmupMs: options.warmupSeconds * 1000,
      durationMs: options.seconds * 1000,
      request,
      onMeasureStart: () => {
        window.startMicros = monotonicMicros();
      },
      onMeasureEnd: () => {
        window.endMicros = monotonicMicros();
      },
    });
    const exit = await stopAndWait(gateway.child);
    process.stdout.write(
      `${result.completed} requests (${((result.completed / result.elapsedMs) * 1000).toFixed(0)} req/s under the profiler), ` +
        `${result.failed} failed${result.firstFailure ? ` (first: ${result.firstFailure})` : ''}; gateway exit code ${exit.code}\n`,
    );

    const { main: mainThread, settlement, others } = readProfiles(profileDirectory);
    mkdirSync(options.outDirectory, { recursive: true });
    const graphs = [
      { entry: mainThread, file: `flame-${options.scenario}.svg`, thread: 'main thread' },
      ...(settlement ? [{ entry: settlement, file: `flame-${options.scenario}-settlement-thread.svg`, thread: 'SQLite settlement thread' }] : []),
    ];
    for (const graph of graphs) {
      const graphOptions = { excludeIdle: true, minPercent: options.minPercent, window: windowFor(graph.entry.profile, window) };
      const svg = renderFlameGraph(graph.entry.profile, {
        ...graphOptions,
        title: `switchyard serve, ${options.scenario} at ${options.concurrency} clients` +
          `${options.scenario === 'stream' ? ` (${options.chunks} chunks)` : ''}, ${options.seconds} s of load: ${graph.thread}`,
      });
      const outPath = path.join(options.outDirectory, graph.file);
      writeFileSync(outPath, svg);
      process.stdout.write(`${path.relative(process.cwd(), outPath)}: ${(Buffer.byteLength(svg) / 1024).toFixed(0)} KB\n`);
      printSelfTimeTable(
        `Top 20 by self time, ${graph.thread} (${options.scenario}, measured window, idle excluded):`,
        selfTimeTable(graph.entry.profile, { ...graphOptions, limit: 20 }),
      );
    }
    if (others.length > 0) process.stdout.write(`\nother thread profiles not graphed: ${others.map((entry) => entry.name).join(', ')}\n`);
  } finally {
    await mock?.stop();
    if (options.keep) process.stdout.write(`kept ${directory} (profiles in cpu-profiles/)\n`);
    else removeBenchDirectory(directory);
  }
}

main().catch((error) => {
  process.stderr.write(`profile-gateway: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});

// Where a request's CPU goes, thread by thread: the floor proxy and Switchyard (set up as in
// `npm run bench`, everything on) take the bench's small chat in alternating windows, and each
// window's CPU per request is read from /proc for every thread of each process. The main thread is
// the one whose id is the process's; the busiest other thread over the whole run is reported on
// its own (in Switchyard under load, its SQLite settlement thread; in a short run from a cold
// start it can be one of V8's compiler threads), the rest together (V8's helpers, libuv's pool).
// Windows alternate A B, B A, so each pair shares its minute.
//
//   npm run build && node bench/thread-cpu.js [--pairs 6] [--clients 64] [--seconds 3] [--warmup 0.5]
//     [--jit-warmup 5]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestFor, startTargets } from './lib/bench-targets.js';
import { SCENARIOS } from './lib/bench-scenarios.js';
import { stopAllChildren } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import { formatTable } from './lib/format-table.js';
import { assertGatewayBuilt, createBenchDirectory, removeBenchDirectory } from './lib/gateway-setup.js';
import { runLoad } from './lib/load-loop.js';
import { threadCpuSeconds } from './lib/process-cpu.js';
import { median } from './lib/stats.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const binPath = path.join(repositoryRoot, 'bin', 'switchyard.js');
const TARGETS = ['floor', 'switchyard'];
const options = parseOptions(process.argv.slice(2), { pairs: 'number', clients: 'number', seconds: 'number', warmup: 'number', 'jit-warmup': 'number' });
const pairs = Math.round(Number(options.pairs ?? 6));
const clients = Math.round(Number(options.clients ?? 64));
const windowMs = Number(options.seconds ?? 3) * 1000;
const warmupMs = Number(options.warmup ?? 0.5) * 1000;
// Before the first pair, so that both processes have compiled their hot code.
const jitWarmupMs = Number(options['jit-warmup'] ?? 5) * 1000;
const log = (line) => process.stderr.write(`thread-cpu: ${line}\n`);

/** Microseconds per request of each thread over one window. */
function perThread(before, after, completed) {
  const result = new Map();
  for (const [threadId, seconds] of after) {
    if (!before.has(threadId)) continue;
    result.set(threadId, ((seconds - before.get(threadId)) * 1e6) / completed);
  }
  return result;
}

async function measure(target, chat, mockOrigin) {
  let before;
  let after;
  const load = await runLoad({
    ...requestFor(target, chat, mockOrigin),
    concurrency: clients,
    durationMs: windowMs,
    warmupMs,
    onMeasureStart: () => {
      before = threadCpuSeconds(target.pid);
    },
    onMeasureEnd: () => {
      after = threadCpuSeconds(target.pid);
    },
  });
  if (load.failed > 0) throw new Error(`${target.name}: ${load.failed} request(s) failed (${load.firstFailure})`);
  return { completed: load.completed, threads: perThread(before, after, load.completed) };
}

/** A window's figures: the main thread, the run's busiest other thread, the rest, the sum. */
function split(window, pid, busiestOther) {
  let rest = 0;
  for (const [threadId, microseconds] of window.threads) if (threadId !== pid && threadId !== busiestOther) rest += microseconds;
  const main = window.threads.get(pid) ?? Number.NaN;
  const other = window.threads.get(busiestOther) ?? 0;
  return { main, other, rest, total: main + other + rest };
}

async function main() {
  assertGatewayBuilt(repositoryRoot, binPath, true);
  const temporaryDirectory = createBenchDirectory();
  try {
    const targets = await startTargets({ benchDirectory, binPath, temporaryDirectory, needed: new Set(TARGETS), log });
    const chat = SCENARIOS.chat.cases[0];
    const mockOrigin = targets.direct.origin;
    for (const name of TARGETS) await runLoad({ ...requestFor(targets[name], chat, mockOrigin), concurrency: clients, durationMs: jitWarmupMs });
    /** @type {Record<string, Array<{ completed: number, threads: Map<number, number> }>>} */
    const windows = { floor: [], switchyard: [] };
    for (let pair = 0; pair < pairs; pair += 1) {
      for (const name of pair % 2 === 0 ? TARGETS : [...TARGETS].reverse()) windows[name].push(await measure(targets[name], chat, mockOrigin));
      log(`pair ${pair + 1} of ${pairs} measured`);
    }
    const rows = [];
    const splits = {};
    for (const name of TARGETS) {
      const pid = targets[name].pid;
      const totals = new Map();
      for (const window of windows[name]) {
        for (const [threadId, microseconds] of window.threads) if (threadId !== pid) totals.set(threadId, (totals.get(threadId) ?? 0) + microseconds);
      }
      const busiestOther = [...totals.entries()].sort((left, right) => right[1] - left[1])[0]?.[0];
      splits[name] = windows[name].map((window) => split(window, pid, busiestOther));
      splits[name].forEach((figures, pair) => {
        rows.push([pair + 1, name, Math.round((windows[name][pair].completed * 1000) / windowMs), figures.main, figures.other, figures.rest, figures.total]);
      });
    }
    rows.sort((left, right) => left[0] - right[0]);
    process.stdout.write(
      `## CPU per request by thread, chat at ${clients} clients, ${pairs} alternating pairs of ${windowMs / 1000} s windows\n\n` +
        formatTable(['pair', 'target', 'req/s', 'main thread µs', 'busiest other thread µs', 'other threads µs', 'process µs'], rows) +
        '\n\n',
    );
    const ratio = (measureName) => median(splits.switchyard.map((figures, pair) => figures[measureName] / splits.floor[pair][measureName]));
    process.stdout.write(
      `Switchyard / floor, median of the pairs: process ${ratio('total').toFixed(3)}, main thread ${ratio('main').toFixed(3)}; ` +
        `Switchyard's busiest other thread ${median(splits.switchyard.map((figures) => figures.other)).toFixed(1)} µs ` +
        `per request, its other threads ${median(splits.switchyard.map((figures) => figures.rest)).toFixed(1)} ` +
        `(the floor's other threads together ${median(splits.floor.map((figures) => figures.other + figures.rest)).toFixed(1)}).\n`,
    );
  } finally {
    await stopAllChildren();
    removeBenchDirectory(temporaryDirectory);
  }
}

main().catch((error) => {
  process.stderr.write(`thread-cpu: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

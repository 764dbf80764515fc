// Where a stream's first token spends its time, target by target, at one client: the way there
// (the client sends the request until the mock upstream has read it), the upstream's own time and
// the way back (the mock writes the first content event until the client has read it), each also
// less the same taken straight to the mock in the same round. Two cases: streams whose first content follows their
// first event at once (the proxy's code runs warm, one step after the other) and streams whose
// first content comes 20 ms later (the bench's paced first token: the way back starts after a
// pause, and the way there right after the previous stream's pause). The difference between the
// two cases, for a proxy that does the same work in both, is what a pause costs on the machine.
// Windows run with the client at real-time priority, as the bench times first tokens.
//
//   npm run build && node bench/first-token-paths.js [--rounds 5] [--seconds 4] [--jit-warmup 3]
//     [--targets floor,switchyard[,portkey][,floor-held]]
//
// `floor-held` is the floor proxy holding a stream's head until its first content, as Switchyard
// does: what holding the head costs a first token by itself, on the client's side included.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestFor, startTargets } from './lib/bench-targets.js';
import { stopAllChildren } from './lib/child-processes.js';
import { withRealtimeClient } from './lib/client-priority.js';
import { parseOptions } from './lib/command-line-options.js';
import { splitFirstTokens } from './lib/first-token-split.js';
import { formatTable } from './lib/format-table.js';
import { assertGatewayBuilt, createBenchDirectory, removeBenchDirectory } from './lib/gateway-setup.js';
import { runLoad } from './lib/load-loop.js';
import { median } from './lib/stats.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const binPath = path.join(repositoryRoot, 'bin', 'switchyard.js');
const CASES = [
  { id: 'unpaced', model: 'bench-stream-8', stream: true, label: 'first content right after the first event' },
  { id: 'paced', model: 'bench-paced-20x2', stream: true, label: 'first content 20 ms after the first event' },
];
const PARTS = ['firstTokenMs', 'requestPathMs', 'upstreamMs', 'contentPathMs'];

const options = parseOptions(process.argv.slice(2), { rounds: 'number', seconds: 'number', 'jit-warmup': 'number', targets: 'string' });
const rounds = Math.max(1, Math.round(Number(options.rounds ?? 5)));
const windowMs = Number(options.seconds ?? 4) * 1000;
const jitWarmupMs = Number(options['jit-warmup'] ?? 3) * 1000;
const proxies = String(options.targets ?? 'floor,switchyard').split(',').filter(Boolean);
const log = (line) => process.stderr.write(`first-token-paths: ${line}\n`);

/** One window of one target: the medians of its streams' split, and how many streams it had. */
async function measure(target, benchCase, mock) {
  const load = requestFor(target, benchCase, mock.origin);
  load.request.recordTimes = true;
  await mock.query('path-marks', { record: true });
  const { result, realtime } = await withRealtimeClient(() => runLoad({ ...load, concurrency: 1, durationMs: windowMs }));
  const { marks } = await mock.query('path-marks', { record: false });
  if (result.failed > 0) throw new Error(`${target.name}: ${result.failed} stream(s) failed (${result.firstFailure})`);
  const split = splitFirstTokens(result.times, marks);
  if (split.firstTokenMs.length === 0) throw new Error(`${target.name}: no stream could be paired with its upstream request`);
  return { ...Object.fromEntries(PARTS.map((part) => [part, median(split[part])])), streams: split.firstTokenMs.length, unmatched: split.unmatched, realtime };
}

/** Per case and target, the median over rounds of each part, and of each part less direct's in the same round. */
function summarize(windows) {
  const rows = [];
  for (const benchCase of CASES) {
    for (const name of ['direct', ...proxies]) {
      const own = windows[benchCase.id][name];
      const direct = windows[benchCase.id].direct;
      const figures = PARTS.map((part) => median(own.map((window) => window[part])));
      const added = PARTS.map((part) => (name === 'direct' ? Number.NaN : median(own.map((window, round) => window[part] - direct[round][part]))));
      const streams = own.reduce((sum, window) => sum + window.streams, 0);
      const unmatched = own.reduce((sum, window) => sum + window.unmatched, 0);
      rows.push({ benchCase, name, figures, added, streams, unmatched });
    }
  }
  return rows;
}

function report(rows, realtimeWindows, totalWindows) {
  const milliseconds = (value) => (Number.isFinite(value) ? value.toFixed(3) : '');
  const table = formatTable(
    ['case', 'target', 'streams', 'first token ms', 'way there ms', 'upstream ms', 'way back ms', 'added: first token', 'way there', 'upstream', 'way back'],
    rows.map(({ benchCase, name, figures, added, streams }) => [benchCase.id, name, streams, ...figures.map(milliseconds), ...added.map(milliseconds)]),
  );
  const lines = [`## First token split at 1 client, ${rounds} round(s) of ${windowMs / 1000} s windows, medians`, '', table, ''];
  for (const benchCase of CASES) lines.push(`- ${benchCase.id}: ${benchCase.model}, ${benchCase.label}`);
  lines.push('- upstream: from the mock reading the request to its writing the first content, its pause included');
  lines.push(`- "added": the target less direct-to-mock in the same round, in ms; real-time client in ${realtimeWindows} of ${totalWindows} windows`);
  lines.push(`- streams that could not be paired with an upstream request (left out): ${rows.reduce((sum, row) => sum + row.unmatched, 0)}`);
  const pauseCost = (name, part) => {
    const index = PARTS.indexOf(part);
    const [unpaced, paced] = CASES.map((benchCase) => rows.find((row) => row.benchCase === benchCase && row.name === name).added[index]);
    return paced - unpaced;
  };
  for (const name of proxies) {
    const there = pauseCost(name, 'requestPathMs').toFixed(3);
    const back = pauseCost(name, 'contentPathMs').toFixed(3);
    lines.push(`- ${name}: a 20 ms pause adds ${there} ms to its way there and ${back} ms to its way back`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  assertGatewayBuilt(repositoryRoot, binPath, true);
  const temporaryDirectory = createBenchDirectory();
  try {
    const targets = await startTargets({ benchDirectory, binPath, temporaryDirectory, needed: new Set(proxies), log });
    const mock = targets.direct;
    for (const benchCase of CASES) {
      for (const name of proxies) await runLoad({ ...requestFor(targets[name], benchCase, mock.origin), concurrency: 1, durationMs: jitWarmupMs });
    }
    const windows = Object.fromEntries(CASES.map((benchCase) => [benchCase.id, Object.fromEntries(['direct', ...proxies].map((name) => [name, []]))]));
    let realtimeWindows = 0;
    let totalWindows = 0;
    for (let round = 0; round < rounds; round += 1) {
      for (const benchCase of CASES) {
        const order = ['direct', ...proxies];
        for (const name of round % 2 === 0 ? order : order.reverse()) {
          const window = await measure(targets[name], benchCase, mock);
          windows[benchCase.id][name].push(window);
          totalWindows += 1;
          if (window.realtime) realtimeWindows += 1;
        }
      }
      log(`round ${round + 1} of ${rounds} measured`);
    }
    report(summarize(windows), realtimeWindows, totalWindows);
  } finally {
    await stopAllChildren();
    removeBenchDirectory(temporaryDirectory);
  }
}

main().catch((error) => {
  process.stderr.write(`first-token-paths: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});

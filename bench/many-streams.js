// Many long streams at once: N concurrent chat streams of S seconds each through one gateway
// process, every one checked, with the gateway's memory per open stream, event-loop delay and CPU.
//
//   npm run build && node bench/many-streams.js [--quick] [--streams 1000,5000] [--seconds 60]
//     [--interval-ms 1000] [--ramp-seconds 5] [--upstream-origins 1] [--targets switchyard,floor]
//     [--output DIR] [--bin PATH] [--keep-temp]
//
// Each stream count gets a fresh `switchyard serve` (temp SQLite data dir) in front of a paced mock
// upstream (bench/lib/many-streams-mock.js: one content chunk per --interval-ms). After a warm-up,
// the idle RSS is sampled; then N streams are opened over --ramp-seconds and held to their end.
// A stream fails unless it has every content chunk, the usage chunk and [DONE]; it is stalled
// when a silence (including the wait for the first event) exceeds 5 intervals.
// Then the floor proxy (bench/floor-proxy.js) takes the same streams the same way, fresh too, so
// that the targets can be read against what a bare Node proxy reaches on the same machine.
// --upstream-origins K spreads the channels over K mock ports (one origin, one connection pool each;
// the floor proxy forwards to the first).
// Writes many-streams.json to --output (default bench/results). Exit 1 only when it could not run.
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { stopAllChildren } from './lib/child-processes.js';
import { parseNumberList, parseOptions } from './lib/command-line-options.js';
import {
  assertGatewayBuilt,
  createBenchDirectory,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  runGatewayCommand,
} from './lib/gateway-setup.js';
import { machineFacts } from './lib/machine-facts.js';
import { openManyStreams } from './lib/many-streams-client.js';
import { startGatewayWatch } from './lib/gateway-watch.js';
import { startIpcChild } from './lib/ipc-child.js';
import { listenCounterGrowth, readListenCounters } from './lib/many-streams-listen-overflows.js';
import { startOtherLoadWindow } from './lib/other-load-window.js';
import { MANY_STREAMS_TARGETS, startManyStreamsTarget, stopManyStreamsTarget } from './lib/many-streams-targets.js';
import { formatManyStreamsTable, summarizeRun, TARGETS } from './lib/many-streams-report.js';
import { processTreeCpuSeconds, residentBytes } from './lib/process-cpu.js';
import { median } from './lib/stats.js';
import { writeResultsFile } from './lib/write-results.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const STREAM_MODEL = 'bench-model';
const WARMUP_MODEL = 'bench-warmup';
const STALL_INTERVALS = 5;
const MESSAGES = [{ role: 'user', content: 'Tell me a long story, one word at a time.' }];

let temporaryDirectory;
let keepTemporaryDirectory = false;
const log = (text) => process.stderr.write(`many-streams: ${text}\n`);

function readSettings() {
  const options = parseOptions(process.argv.slice(2), {
    quick: 'flag',
    streams: 'string',
    seconds: 'number',
    'interval-ms': 'number',
    'ramp-seconds': 'number',
    'upstream-origins': 'number',
    targets: 'string',
    output: 'string',
    bin: 'string',
    'keep-temp': 'flag',
  });
  const quick = options.quick === true;
  const intervalMs = Math.round(Number(options['interval-ms'] ?? 1000));
  const seconds = Number(options.seconds ?? (quick ? 5 : 60));
  const chunks = Math.max(1, Math.round((seconds * 1000) / intervalMs));
  const targets = String(options.targets ?? MANY_STREAMS_TARGETS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = targets.filter((name) => !MANY_STREAMS_TARGETS.includes(name));
  if (unknown.length > 0 || targets.length === 0) {
    throw new Error(`--targets takes some of ${MANY_STREAMS_TARGETS.join(', ')}; got "${options.targets}"`);
  }
  return {
    targets,
    quick,
    streamCounts: parseNumberList(options.streams ?? (quick ? '200' : '1000,5000'), 'streams'),
    seconds,
    intervalMs,
    chunks,
    rampMs: Number(options['ramp-seconds'] ?? (quick ? 1 : 5)) * 1000,
    upstreamOrigins: Math.max(1, Math.round(Number(options['upstream-origins'] ?? 1))),
    outputDirectory: path.resolve(String(options.output ?? path.join(benchDirectory, 'results'))),
    binPath: path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    binIsDefault: options.bin === undefined,
    keepTemp: options['keep-temp'] === true,
  };
}

function writeConfig(directory, mockPorts) {
  const quoted = JSON.stringify;
  const lines = ['pricing:', '  markup: 1', 'channels:'];
  mockPorts.forEach((port, index) => {
    lines.push(
      `  - name: mock-${index}`,
      '    provider: openai-compatible',
      `    base_url: ${quoted(`http://127.0.0.1:${port}/v1`)}`,
      '    api_key: bench-key',
      `    models: [${STREAM_MODEL}, ${WARMUP_MODEL}]`,
    );
  });
  lines.push('models:');
  for (const model of [STREAM_MODEL, WARMUP_MODEL]) {
    lines.push(`  - id: ${model}`, '    provider: openai-compatible', '    pricing: { input: 1, output: 2 }');
  }
  const configPath = path.join(directory, 'switchyard.yaml');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  return configPath;
}

const streamBody = (model) =>
  JSON.stringify({ model, messages: MESSAGES, max_tokens: 256, stream: true, stream_options: { include_usage: true } });

/** Unpaced streams through the whole path, so the measured process is warm; fails on any wrong answer. */
async function warmUp(target, apiKey, settings) {
  for (let round = 0; round < 3; round += 1) {
    const warmUpClient = openManyStreams({
      origin: target.origin,
      apiKey,
      count: 100,
      rampMs: 0,
      body: streamBody(WARMUP_MODEL),
      expectedContentEvents: settings.chunks,
      stallAfterMs: 30_000,
      deadlineMs: 30_000,
    });
    const outcomes = await warmUpClient.finished();
    await warmUpClient.close();
    const failed = outcomes.find((outcome) => !outcome.ok);
    if (failed) throw new Error(`a warm-up stream through ${target.name} failed: ${failed.failure}. Its log:\n${target.logTail()}`);
  }
}

async function sampleIdle(target, milliseconds) {
  const samples = [];
  const end = performance.now() + milliseconds;
  while (performance.now() < end) {
    samples.push(residentBytes(target.pid));
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return median(samples);
}

/** NaN when the process is gone (a crash is reported through the streams, not by failing the bench). */
function cpuSecondsOf(pid) {
  try {
    return processTreeCpuSeconds(pid);
  } catch {
    return Number.NaN;
  }
}

async function runStreams(targetName, streams, settings, environment, apiKey, mock) {
  const target = await startManyStreamsTarget(targetName, {
    binPath: settings.binPath,
    environment,
    directory: temporaryDirectory,
    upstreamOrigin: `http://127.0.0.1:${mock.ready.ports[0]}`,
  });
  log(`${target.name} up at ${target.origin} (pid ${target.pid}); warming up`);
  await warmUp(target, apiKey, settings);
  await new Promise((resolve) => setTimeout(resolve, settings.quick ? 1_000 : 3_000));
  // This reading also resets the loop-delay histogram, so the next one covers the idle sampling only.
  await target.readMetrics();
  const idleRssBytes = await sampleIdle(target, 2_000);
  const idleLoopDelayMs = (await target.readMetrics()).loopDelayP99Ms;
  log(`idle RSS ${(idleRssBytes / 2 ** 20).toFixed(1)} MiB; opening ${streams} streams of ${settings.seconds} s over ${settings.rampMs / 1000} s`);

  const stallAfterMs = STALL_INTERVALS * settings.intervalMs;
  const mockBefore = await mock.request('stats');
  let client;
  const watch = startGatewayWatch({
    pid: target.pid,
    origin: target.origin,
    readMetrics: target.readMetrics,
    rssIntervalMs: 500,
    metricsIntervalMs: settings.quick ? 1_000 : 2_000,
    annotate: () => ({ open: client?.counters.open ?? 0, finished: client?.counters.finished ?? 0 }),
  });
  const cpuBefore = cpuSecondsOf(target.pid);
  const otherLoad = startOtherLoadWindow(() => [target.pid, mock.pid]);
  const listenCountersBefore = readListenCounters();
  client = openManyStreams({
    origin: target.origin,
    apiKey,
    count: streams,
    rampMs: settings.rampMs,
    body: streamBody(STREAM_MODEL),
    expectedContentEvents: settings.chunks,
    stallAfterMs,
    deadlineMs: settings.seconds * 1000 + Math.max(30_000, 10 * settings.intervalMs),
  });
  const progress = setInterval(() => {
    const { started, open, finished, failed } = client.counters;
    log(`  ${Math.round(watch.now() / 1000)} s: started ${started}, open ${open}, finished ${finished}, failed ${failed}, ` +
      `${target.name} RSS ${(residentBytes(target.pid) / 2 ** 20).toFixed(0)} MiB`);
  }, settings.quick ? 2_000 : 10_000);
  const lastSentAt = (await client.allStarted) - watch.startedAt;
  const outcomes = await client.finished();
  const streamsEndedAtMs = watch.now();
  clearInterval(progress);
  // The last scrape closes the window of the streams; closing the 5,000 idle client connections
  // at once afterwards is the bench's teardown, not load while streams run (its CPU still counts).
  await watch.stop();
  await client.close();
  const cpuAfter = cpuSecondsOf(target.pid);
  const otherLoadCores = otherLoad.end();
  const listenDrops = listenCounterGrowth(listenCountersBefore, readListenCounters());
  const mockStats = await mock.request('stats');
  const gatewayAlive = target.child.exitCode === null && target.child.signalCode === null;
  await stopManyStreamsTarget(target);

  const firstSentAt = client.startedAt - watch.startedAt;
  const summary = summarizeRun({
    streams,
    outcomes,
    idleRssBytes,
    idleLoopDelayP99Ms: idleLoopDelayMs,
    rssSamples: watch.rssSamples,
    scrapes: watch.scrapes,
    scrapeErrors: watch.scrapeErrors,
    // From one interval after the last stream was sent to one interval before the first can end.
    holdWindow: { fromMs: lastSentAt + settings.intervalMs, toMs: firstSentAt + settings.seconds * 1000 - settings.intervalMs },
    streamsEndedAtMs,
    gatewayCpuSeconds: cpuAfter - cpuBefore,
    wallSeconds: streamsEndedAtMs / 1000,
    mock: { streamsStillOpenAfterRun: mockStats.openStreams, streamsServed: mockStats.streamsStarted - mockBefore.streamsStarted },
  });
  // The name first: the full bench's report labels each row by it.
  const result = { name: `${target.name}, ${streams} streams`, target: target.name, ...summary };
  result.gatewayAliveAtEnd = gatewayAlive;
  result.otherLoadCores = Number(otherLoadCores.toFixed(3));
  result.kernelListenQueueCountersDuringRun = listenDrops;
  result.rssTimeline = watch.rssSamples.map((sample) => ({
    atS: Number((sample.atMs / 1000).toFixed(1)),
    rssMiB: Number((sample.rssBytes / 2 ** 20).toFixed(1)),
    open: sample.open,
  }));
  result.scrapes = watch.scrapes.map((scrape) => ({ ...scrape, atMs: Math.round(scrape.atMs), scrapeMs: Math.round(scrape.scrapeMs) }));
  log(`${target.name}, ${streams} streams: ${result.completed} complete, ${result.failed} failed, ${result.stalled} stalled; ` +
    `${result.rss.kilobytesPerStreamPeak} KB/stream (peak), loop delay p99 max ${result.loopDelay.p99MaxBeyondSamplingIntervalMs} ms ` +
    `(reading ${result.loopDelay.p99MaxMs})`);
  for (const { reason, count } of result.failureReasons) log(`  failure x${count}: ${reason}`);
  return result;
}

async function main() {
  const settings = readSettings();
  keepTemporaryDirectory = settings.keepTemp;
  assertGatewayBuilt(repositoryRoot, settings.binPath, settings.binIsDefault);
  const budgetMs = 120_000 + settings.streamCounts.length * settings.targets.length * (90_000 + settings.rampMs + settings.seconds * 1000 + Math.max(30_000, 10 * settings.intervalMs));
  const budget = setTimeout(() => {
    log(`exceeded its time budget of ${Math.round(budgetMs / 1000)} s, aborting`);
    cleanUpTemporaryDirectory();
    process.exit(1);
  }, budgetMs);
  budget.unref();

  temporaryDirectory = createBenchDirectory();
  process.once('exit', cleanUpTemporaryDirectory);
  const mock = await startIpcChild(path.join(benchDirectory, 'lib', 'many-streams-mock.js'), {
    name: 'paced mock upstream',
    env: { MOCK_PORT_COUNT: String(settings.upstreamOrigins), MOCK_CHUNKS: String(settings.chunks), MOCK_INTERVAL_MS: String(settings.intervalMs) },
  });
  const configPath = writeConfig(temporaryDirectory, mock.ready.ports);
  const environment = gatewayEnvironment(temporaryDirectory, configPath);
  log('provisioning a temporary instance (migrate, user add, key create)');
  const apiKey = await provisionBenchAccount(settings.binPath, environment);

  const results = [];
  for (const streams of settings.streamCounts) {
    for (const targetName of settings.targets) {
      results.push(await runStreams(targetName, streams, settings, environment, apiKey, mock));
    }
  }
  let ledgerVerify = 'not run (Switchyard was not measured)';
  if (settings.targets.includes('switchyard')) {
    try {
      await runGatewayCommand(settings.binPath, ['ledger', 'verify'], environment);
      ledgerVerify = 'ok';
    } catch (error) {
      ledgerVerify = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  await stopAllChildren();

  const facts = machineFacts(repositoryRoot, ['fastify', 'undici', 'better-sqlite3', 'prom-client']);
  const outputPath = path.join(settings.outputDirectory, 'many-streams.json');
  writeResultsFile(outputPath, {
    kind: 'many-streams',
    machine: facts,
    settings: {
      quick: settings.quick,
      streamCounts: settings.streamCounts,
      streamSeconds: settings.seconds,
      chunkIntervalMs: settings.intervalMs,
      contentChunksPerStream: settings.chunks,
      rampMs: settings.rampMs,
      stalledAfterSilenceMs: STALL_INTERVALS * settings.intervalMs,
      upstreamOrigins: settings.upstreamOrigins,
      targets: settings.targets,
      floor: 'bench/floor-proxy.js: node:http, undici.request, the request body parsed and serialised again, the stream piped through; ' +
        'no authentication, metering or store; its loop delay from the same monitorEventLoopDelay at the same resolution, read over IPC',
      store: 'sqlite (embedded, temp dir)',
      rssPerStream: '(RSS while open - idle RSS) / streams open; idle = median after warm-up; open = samples every 500 ms ' +
        'from one interval after the last stream was sent to one interval before the first could end, with at least 99% ' +
        'of the most streams ever open in that window; median and peak of those samples',
      loopDelay: 'switchyard_nodejs_eventloop_lag_p99_seconds (prom-client, monitorEventLoopDelay at 10 ms resolution, reset per scrape); ' +
        'max over the scrapes during the streams. Each sample is the time between two 10 ms timer callbacks, so a reading holds the ' +
        'interval itself (an idle loop reads about 10.4 ms); the delay judged against the target is the reading minus 10 ms ' +
        '(p99MaxBeyondSamplingIntervalMs), the raw readings are kept beside it',
    },
    targets: TARGETS,
    ledgerVerify,
    results,
  });
  process.stdout.write(
    `\nnproc ${facts.nproc} (${facts.cpuModel}), Node ${facts.node}; ${settings.seconds} s streams, one chunk per ` +
      `${settings.intervalMs} ms, ${settings.upstreamOrigins} upstream origin(s); targets: <= ${TARGETS.rssKilobytesPerStream} KB/stream ` +
      `above idle, loop delay p99 <= ${TARGETS.loopDelayP99Ms} ms, 0 stalled; ledger verify: ${ledgerVerify.startsWith('failed') ? 'FAILED' : ledgerVerify}\n\n` +
      `${formatManyStreamsTable(results)}\n\nwritten to ${path.relative(process.cwd(), outputPath)}\n`,
  );
  clearTimeout(budget);
  cleanUpTemporaryDirectory();
}

function cleanUpTemporaryDirectory() {
  if (!temporaryDirectory) return;
  if (keepTemporaryDirectory) log(`kept ${temporaryDirectory}`);
  else removeBenchDirectory(temporaryDirectory);
  temporaryDirectory = undefined;
}

main().catch(async (error) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAllChildren();
  cleanUpTemporaryDirectory();
  process.exit(1);
});

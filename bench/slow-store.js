// The gateway with a slow, then frozen, PostgreSQL store: do latency and memory stay bounded, do
// requests keep being answered, and is every answered request recorded once the store is back?
//
//   npm run build && node bench/slow-store.js [--quick] [--delay-ms 50] [--clients 64] [--stall-seconds 20]
//     [--heap-limit-mib 384] [--admin-url postgres://postgres@127.0.0.1:5432/test] [--output DIR] [--bin PATH] [--keep-temp]
//
// A fresh database (CREATE DATABASE switchyard_bench_<random>, dropped at the end) reached by the
// gateway through a TCP delay proxy (bench/lib/slow-store-delay-proxy.js, its own process);
// `migrate`, `user add` and `key create` go to the database directly. Under closed-loop chat load
// (--clients, non-streaming, the fast mock upstream) the phases are: warm-up; baseline (no delay);
// delayed (--delay-ms on every chunk, each direction); stalled (every byte held); recovered (no
// delay); then the load stops and the bench waits for the store to catch up. RSS is sampled every
// 500 ms, /metrics every second, the settlement journal's size every 500 ms. The gateway runs under
// a fixed heap ceiling (--heap-limit-mib, Node's --max-old-space-size; 0 for none): memory that
// grew without bound would end the process, and V8 collects often enough to show what is retained.
// Writes slow-store.json to --output (default bench/results). Exit 1 only when it could not run.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MESSAGES } from './lib/bench-scenarios.js';
import { startBenchChild, stopAllChildren, stopChild } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import {
  assertGatewayBuilt,
  createBenchDirectory,
  findFreePort,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  runGatewayCommand,
  startGateway,
  writeBenchConfig,
} from './lib/gateway-setup.js';
import { machineFacts } from './lib/machine-facts.js';
import { startGatewayWatch } from './lib/gateway-watch.js';
import { connectHeapProbe, inspectorFlag } from './lib/inspector-heap-probe.js';
import { startIpcChild } from './lib/ipc-child.js';
import { startOtherLoadWindow } from './lib/other-load-window.js';
import { residentBytes } from './lib/process-cpu.js';
import { countRecorded, createBenchDatabase, dropBenchDatabase, dropBenchDatabaseNow } from './lib/slow-store-database.js';
import { startCappedHeapReadings } from './lib/slow-store-heap-readings.js';
import { startContinuousLoad } from './lib/slow-store-load.js';
import { formatPhaseTable, heapAfterCollectionsOnceCapped, summarizePhases, VERDICT_RULES, verdicts } from './lib/slow-store-report.js';
import { writeResultsFile } from './lib/write-results.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const BENCH_EMAIL = 'bench@example.com';
const MODEL = 'bench-model';
const CHAT_BODY = JSON.stringify({ model: MODEL, messages: MESSAGES, max_tokens: 16 });
const log = (text) => process.stderr.write(`slow-store: ${text}\n`);
const sleep = (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds));
// Outside --quick, the stall goes on past --stall-seconds until the settlement queue has been at
// its cap this long (so that the retained heap is read at least three times at the cap), but no
// longer than STALL_EXTENSION_LIMIT times --stall-seconds in all.
const MIN_CAPPED_MS = 8_000;
const STALL_EXTENSION_LIMIT = 3;
const HEAP_READING_INTERVAL_MS = 5_000;

let temporaryDirectory;
let keepTemporaryDirectory = false;
/** @type {{ adminUrl: string, name: string } | undefined} set while the bench database exists */
let liveDatabase;

function readSettings() {
  const options = parseOptions(process.argv.slice(2), {
    quick: 'flag',
    'delay-ms': 'number',
    clients: 'number',
    'stall-seconds': 'number',
    'heap-limit-mib': 'number',
    'admin-url': 'string',
    output: 'string',
    bin: 'string',
    'keep-temp': 'flag',
  });
  const quick = options.quick === true;
  const phaseSeconds = quick ? 2 : 10;
  return {
    quick,
    delayMs: Number(options['delay-ms'] ?? 50),
    clients: Math.round(Number(options.clients ?? 64)),
    warmupSeconds: quick ? 1 : 3,
    phaseSeconds,
    stallSeconds: Number(options['stall-seconds'] ?? (quick ? 4 : 20)),
    catchUpTimeoutSeconds: quick ? 30 : 120,
    heapLimitMiB: Math.round(Number(options['heap-limit-mib'] ?? 384)),
    adminUrl: String(options['admin-url'] ?? process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
    outputDirectory: path.resolve(String(options.output ?? path.join(benchDirectory, 'results'))),
    binPath: path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    binIsDefault: options.bin === undefined,
    keepTemp: options['keep-temp'] === true,
  };
}

/** One request before the load: a fast error must never pass for a fast gateway. */
async function checkChatAnswer(origin, request) {
  const response = await fetch(origin + request.path, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  if (response.status !== 200 || typeof answer?.choices?.[0]?.message?.content !== 'string') {
    throw new Error(`the check request through the gateway failed (HTTP ${response.status}): ${text.slice(0, 500)}`);
  }
  return answer.usage ? [] : ['the gateway answer has no usage'];
}

function journalBytes(directory) {
  try {
    return readdirSync(directory).reduce((sum, name) => sum + statSync(path.join(directory, name)).size, 0);
  } catch {
    return 0;
  }
}

/** Polls the database (directly) until it holds a generation per answered request, or time runs out. */
async function waitForCatchUp(databaseUrl, answered, timeoutMs) {
  const started = performance.now();
  let counts = await countRecorded(databaseUrl, BENCH_EMAIL);
  while (counts.generations < answered && performance.now() - started < timeoutMs) {
    await sleep(500);
    counts = await countRecorded(databaseUrl, BENCH_EMAIL);
  }
  return { counts, waitedMs: Math.round(performance.now() - started), caughtUp: counts.generations >= answered };
}

async function main() {
  const settings = readSettings();
  keepTemporaryDirectory = settings.keepTemp;
  assertGatewayBuilt(repositoryRoot, settings.binPath, settings.binIsDefault);
  const loadSeconds = settings.warmupSeconds + 3 * settings.phaseSeconds + STALL_EXTENSION_LIMIT * settings.stallSeconds;
  const budgetMs = (120 + loadSeconds + settings.catchUpTimeoutSeconds + 60) * 1000;
  const budget = setTimeout(() => {
    log(`exceeded its time budget of ${Math.round(budgetMs / 1000)} s, aborting`);
    process.exit(1);
  }, budgetMs);
  budget.unref();
  process.once('exit', cleanUp);

  temporaryDirectory = createBenchDirectory();
  let database;
  try {
    database = await createBenchDatabase(settings.adminUrl);
  } catch (error) {
    throw new Error(`cannot create the bench database through ${settings.adminUrl}: ${error instanceof Error ? error.message : error}`);
  }
  liveDatabase = { adminUrl: settings.adminUrl, name: database.name };
  log(`database ${database.name} created`);

  const adminLocation = new URL(settings.adminUrl);
  const proxy = await startIpcChild(path.join(benchDirectory, 'lib', 'slow-store-proxy-process.js'), {
    name: 'delay proxy',
    env: { PROXY_TARGET_HOST: adminLocation.hostname || '127.0.0.1', PROXY_TARGET_PORT: adminLocation.port || '5432' },
  });
  const mock = await startBenchChild(path.join(benchDirectory, 'mock-upstream.js'), { name: 'mock upstream' });
  // One openai-compatible channel on the mock, one priced model (so holds and charges are written).
  const configPath = writeBenchConfig(temporaryDirectory, mock.origin, { openai: [MODEL], anthropic: [] });
  const directEnvironment = gatewayEnvironment(temporaryDirectory, configPath);
  directEnvironment.DATABASE_URL = database.url;
  directEnvironment.SWITCHYARD_SECRET = randomBytes(32).toString('hex');
  log('provisioning (migrate, user add, key create) directly on the database');
  const apiKey = await provisionBenchAccount(settings.binPath, directEnvironment);
  const gatewayEnvironmentThroughProxy = { ...directEnvironment, DATABASE_URL: database.urlThrough(proxy.ready.port) };
  const heapLimit = settings.heapLimitMiB > 0 ? [`--max-old-space-size=${settings.heapLimitMiB}`] : [];
  const inspectorPort = await findFreePort();
  const gateway = await startGateway(settings.binPath, gatewayEnvironmentThroughProxy, temporaryDirectory, [...heapLimit, inspectorFlag(inspectorPort)]);
  const heapProbe = await connectHeapProbe(inspectorPort);
  log(`gateway up at ${gateway.origin} (pid ${gateway.pid}), store through the delay proxy on port ${proxy.ready.port}`);
  const request = {
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: CHAT_BODY,
  };
  const warnings = await checkChatAnswer(gateway.origin, request);
  const checkRequestsAnswered = 1;

  const journalDirectory = path.join(temporaryDirectory, 'journal');
  const timeBase = performance.now();
  const elapsed = () => performance.now() - timeBase;
  const watch = startGatewayWatch({ pid: gateway.pid, origin: gateway.origin, rssIntervalMs: 500, metricsIntervalMs: 1_000 });
  const journalSamples = [];
  const journalTimer = setInterval(() => journalSamples.push({ atMs: elapsed(), bytes: journalBytes(journalDirectory) }), 500);
  const load = startContinuousLoad({ origin: gateway.origin, concurrency: settings.clients, request, requestTimeoutMs: 120_000, timeBase });
  let currentPhase = 'warm-up';
  const progress = setInterval(() => {
    log(`  ${(elapsed() / 1000).toFixed(0)} s ${currentPhase}: answered ${load.counters.answered}, failed ${load.counters.failed}, ` +
      `in flight ${load.counters.inFlight}, gateway RSS ${(residentBytes(gateway.pid) / 2 ** 20).toFixed(0)} MiB, journal ${journalBytes(journalDirectory)} B`);
  }, settings.quick ? 1_000 : 2_000);

  const phases = [];
  const runPhase = async (name, seconds, storeMode, longerWhile = () => false) => {
    await proxy.request('set', storeMode);
    currentPhase = name;
    const fromMs = elapsed();
    const otherLoad = startOtherLoadWindow(() => [gateway.pid, mock.pid, proxy.pid], { countPostgres: true });
    log(`phase ${name} (${seconds} s): store ${storeMode.stalled ? 'stalled' : `delay ${storeMode.delayMs} ms`}`);
    await sleep(seconds * 1000);
    if (longerWhile()) {
      log(`phase ${name} goes on until the settlement queue has been at its cap for ${MIN_CAPPED_MS / 1000} s`);
      while (longerWhile() && elapsed() - fromMs < STALL_EXTENSION_LIMIT * seconds * 1000) await sleep(250);
    }
    phases.push({ name, fromMs, toMs: elapsed(), otherLoadCores: otherLoad.end() });
  };
  await runPhase('warm-up', settings.warmupSeconds, { delayMs: 0, stalled: false });
  await runPhase('baseline', settings.phaseSeconds, { delayMs: 0, stalled: false });
  await runPhase('delayed', settings.phaseSeconds, { delayMs: settings.delayMs, stalled: false });
  const heapReadings = startCappedHeapReadings({ probe: heapProbe, elapsed, latestScrape: () => watch.scrapes.at(-1), intervalMs: HEAP_READING_INTERVAL_MS });
  await runPhase('stalled', settings.stallSeconds, { delayMs: settings.delayMs, stalled: true }, () => !settings.quick && heapReadings.cappedForMs() < MIN_CAPPED_MS);
  const heapAtCap = await heapReadings.stop();
  log(`retained heap at the cap (forced full collections): ${heapAtCap.readings.map((reading) => `${reading.retainedMiB} MiB`).join(', ') || 'the queue never reached its cap'}`);
  await runPhase('recovered', settings.phaseSeconds, { delayMs: 0, stalled: false });
  currentPhase = 'draining';
  const drainFrom = elapsed();
  await load.stop();
  phases.push({ name: 'drain', fromMs: drainFrom, toMs: elapsed() });
  clearInterval(progress);
  const proxyStats = (await proxy.request('stats')).stats;

  const answered = checkRequestsAnswered + load.counters.answered;
  log(`load stopped: ${answered} answered, ${load.counters.failed} failed; waiting for the store to catch up`);
  const catchUpFrom = elapsed();
  const catchUp = await waitForCatchUp(database.url, answered, settings.catchUpTimeoutSeconds * 1000);
  phases.push({ name: 'catch-up', fromMs: catchUpFrom, toMs: elapsed() });
  clearInterval(journalTimer);
  await watch.stop();
  heapProbe.close();
  const gatewayAlive = gateway.child.exitCode === null && gateway.child.signalCode === null;
  await stopChild(gateway.child, 30_000);
  const afterStop = await countRecorded(database.url, BENCH_EMAIL);
  let ledgerVerify = 'ok';
  try {
    await runGatewayCommand(settings.binPath, ['ledger', 'verify'], directEnvironment);
  } catch (error) {
    ledgerVerify = `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  await stopAllChildren();
  await dropBenchDatabase(settings.adminUrl, database.name);
  liveDatabase = undefined;
  log(`database ${database.name} dropped`);

  const phaseSummaries = summarizePhases({ phases, requests: load.requests, rssSamples: watch.rssSamples, scrapes: watch.scrapes, journalSamples });
  const store = {
    answered,
    failed: load.counters.failed,
    failureReasons: Object.fromEntries(load.failures),
    recordedAfterCatchUp: catchUp.counts.generations,
    caughtUpWithinTimeout: catchUp.caughtUp,
    catchUpWaitMs: catchUp.waitedMs,
    countsAfterCatchUp: catchUp.counts,
    recordedAfterStop: afterStop.generations,
    countsAfterStop: afterStop,
    openHoldsAfterStop: afterStop.openHolds,
    ledgerVerify,
  };
  const stallFromMs = phases.find((phase) => phase.name === 'stalled')?.fromMs ?? 0;
  const verdict = verdicts(phaseSummaries, store, heapAfterCollectionsOnceCapped(watch.scrapes.filter((scrape) => scrape.atMs >= stallFromMs)), heapAtCap.readings);
  const facts = machineFacts(repositoryRoot, ['fastify', 'undici', 'pg', 'kysely', 'prom-client']);
  const outputPath = path.join(settings.outputDirectory, 'slow-store.json');
  writeResultsFile(outputPath, {
    kind: 'slow-store',
    machine: facts,
    settings: {
      quick: settings.quick,
      clients: settings.clients,
      delayMsPerChunkEachDirection: settings.delayMs,
      phaseSeconds: { warmup: settings.warmupSeconds, baseline: settings.phaseSeconds, delayed: settings.phaseSeconds, stalled: settings.stallSeconds, stalledAtMost: settings.quick ? settings.stallSeconds : STALL_EXTENSION_LIMIT * settings.stallSeconds, recovered: settings.phaseSeconds },
      catchUpTimeoutSeconds: settings.catchUpTimeoutSeconds,
      gatewayHeapLimitMiB: settings.heapLimitMiB > 0 ? settings.heapLimitMiB : null,
      store: 'postgresql (fresh database, through a TCP delay proxy)',
      scenario: 'chat (non-streaming), fast mock upstream',
    },
    warnings,
    verdicts: verdict,
    verdictRules: VERDICT_RULES,
    heapAtCap,
    store,
    gatewayAliveAtEnd: gatewayAlive,
    proxy: proxyStats,
    phases: phaseSummaries,
    timeline: {
      rss: watch.rssSamples.map((sample) => ({ atS: Number((sample.atMs / 1000).toFixed(1)), rssMiB: Number((sample.rssBytes / 2 ** 20).toFixed(1)) })),
      journalBytes: journalSamples.map((sample) => ({ atS: Number((sample.atMs / 1000).toFixed(1)), bytes: sample.bytes })),
      scrapes: watch.scrapes.map((scrape) => ({ ...scrape, atMs: Math.round(scrape.atMs), scrapeMs: Math.round(scrape.scrapeMs) })),
      scrapeErrors: watch.scrapeErrors,
    },
  });
  const yes = (value) => (value ? 'yes' : 'NO');
  const stalledPhase = phaseSummaries.find((phase) => phase.name === 'stalled');
  process.stdout.write(
    `\nnproc ${facts.nproc} (${facts.cpuModel}), Node ${facts.node}; ${settings.clients} clients, chat; store delay ${settings.delayMs} ms per chunk ` +
      `each direction, stall ${settings.stallSeconds} s\n\n${formatPhaseTable(phaseSummaries)}\n\n` +
      `memory bounded during the stall: ${yes(verdict.memoryBounded)} (retained heap at the queue's cap: ${heapAtCap.readings.length > 0 ? `${verdict.retainedHeapAtCapMiB} MiB` : 'the queue never reached its cap'}; ` +
      `growth over baseline peak ${verdict.rssGrowthDuringStallMiB} MiB; ` +
      `max over the whole run ${verdict.rssMaxOverWholeRunMiB} MiB; heap floor ` +
      `${stalledPhase?.metrics.heapUsedMinFirstHalfMiB} -> ${stalledPhase?.metrics.heapUsedMinLastHalfMiB} MiB)\n` +
      `requests answered during the stall: ${yes(verdict.keptAnswering)} (${verdict.stallThroughputShareOfBaseline} of baseline throughput)\n` +
      `every answered request recorded: ${yes(verdict.allRecorded)} (${answered} answered; ${store.recordedAfterCatchUp} recorded after ` +
      `${(catchUp.waitedMs / 1000).toFixed(1)} s of catch-up, ${store.recordedAfterStop} after stop); ledger verify: ${ledgerVerify === 'ok' ? 'ok' : 'FAILED'}\n` +
      `\nwritten to ${path.relative(process.cwd(), outputPath)}\n`,
  );
  clearTimeout(budget);
}

function cleanUp() {
  if (liveDatabase) {
    const dropped = dropBenchDatabaseNow(liveDatabase.adminUrl, liveDatabase.name);
    if (!dropped) process.stderr.write(`slow-store: could not drop database ${liveDatabase.name}; drop it by hand\n`);
    liveDatabase = undefined;
  }
  if (!temporaryDirectory) return;
  if (keepTemporaryDirectory) log(`kept ${temporaryDirectory}`);
  else removeBenchDirectory(temporaryDirectory);
  temporaryDirectory = undefined;
}

main()
  .then(() => cleanUp())
  .catch(async (error) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAllChildren();
    if (liveDatabase) {
      await dropBenchDatabase(liveDatabase.adminUrl, liveDatabase.name).catch(() => undefined);
      liveDatabase = undefined;
    }
    cleanUp();
    process.exit(1);
  });

// `npm run bench`: the Switchyard gateway against direct-to-mock, in the same run, on 127.0.0.1.
// Uses only the gateway's public surface (command line, HTTP); see bench/README.md.
//
//   node --expose-gc bench/run.js [--quick] [--duration S] [--warmup S] [--rounds N]
//     [--scenario chat,stream] [--concurrency 1,32] [--stream-chunks N] [--bin PATH] [--keep-temp]
//
// Prints tables and writes bench/results/latest.json.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkScenarioAnswer, scenarioTarget, SCENARIOS } from './lib/chat-scenarios.js';
import { startBenchChild, stopAllChildren, stopChild } from './lib/child-processes.js';
import { parseNumberList, parseOptions } from './lib/command-line-options.js';
import { createForeignLoadProbe, ownProcessCpuSeconds, waitForQuietMachine } from './lib/foreign-load.js';
import { formatGatewayTables, summarizeGatewayRuns } from './lib/gateway-report.js';
import {
  assertGatewayBuilt,
  createBenchDirectory,
  gatewayEnvironment,
  provisionBenchAccount,
  removeBenchDirectory,
  runGatewayCommand,
  startGateway,
  writeBenchConfig,
} from './lib/gateway-setup.js';
import { runLoad } from './lib/load-loop.js';
import { machineFacts } from './lib/machine-facts.js';
import { procAvailable, processTreeCpuSeconds, residentBytes } from './lib/process-cpu.js';
import { summarizeSamples } from './lib/stats.js';
import { writeResultsFile } from './lib/write-results.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const SETUP_BUDGET_MS = 150_000;
const QUIET_WAIT_MS = 3_000;

let temporaryDirectory;
let keepTemporaryDirectory = false;

function readSettings() {
  const options = parseOptions(process.argv.slice(2), {
    quick: 'flag',
    duration: 'number',
    warmup: 'number',
    rounds: 'number',
    scenario: 'string',
    concurrency: 'string',
    'stream-chunks': 'number',
    bin: 'string',
    'keep-temp': 'flag',
  });
  const quick = options.quick === true;
  const scenarios = String(options.scenario ?? 'all') === 'all' ? Object.keys(SCENARIOS) : String(options.scenario).split(',');
  for (const scenario of scenarios) {
    if (!(scenario in SCENARIOS)) throw new Error(`unknown --scenario ${scenario} (known: ${Object.keys(SCENARIOS).join(', ')}, all)`);
  }
  return {
    quick,
    durationMs: Number(options.duration ?? (quick ? 0.5 : 5)) * 1000,
    warmupMs: Number(options.warmup ?? (quick ? 0.2 : 1)) * 1000,
    rounds: Math.max(1, Math.round(Number(options.rounds ?? (quick ? 1 : 3)))),
    scenarios,
    concurrencies: parseNumberList(options.concurrency ?? '1,32', 'concurrency'),
    streamChunks: Math.round(Number(options['stream-chunks'] ?? 20)),
    binPath: path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    binIsDefault: options.bin === undefined,
    keepTemp: options['keep-temp'] === true,
  };
}

async function main() {
  const settings = readSettings();
  keepTemporaryDirectory = settings.keepTemp;
  assertGatewayBuilt(repositoryRoot, settings.binPath, settings.binIsDefault);
  const measureCpu = procAvailable();
  if (!measureCpu) process.stderr.write('bench: /proc is not readable here; the gateway CPU column will be n/a\n');

  const runCount = settings.rounds * settings.scenarios.length * settings.concurrencies.length * 2;
  const plannedMs = runCount * (settings.durationMs + settings.warmupMs + 300 + (settings.quick ? 0 : QUIET_WAIT_MS));
  const budgetMs = plannedMs + SETUP_BUDGET_MS;
  const budget = setTimeout(() => {
    process.stderr.write(`bench: exceeded its time budget of ${Math.round(budgetMs / 1000)} s, aborting\n`);
    cleanUpTemporaryDirectory();
    process.exit(1);
  }, budgetMs);
  budget.unref();
  process.stderr.write(
    `bench: ${settings.rounds} round(s) x scenarios ${settings.scenarios.join(',')} x clients ${settings.concurrencies.join(',')} ` +
      `x {gateway, direct}: ${settings.durationMs / 1000} s measured + ${settings.warmupMs / 1000} s warm-up each, ` +
      `about ${Math.round(plannedMs / 1000)} s of load\n`,
  );

  temporaryDirectory = createBenchDirectory();
  process.once('exit', cleanUpTemporaryDirectory);
  const mock = await startBenchChild(path.join(benchDirectory, 'mock-upstream.js'), {
    name: 'mock upstream',
    env: { MOCK_STREAM_CHUNKS: String(settings.streamChunks), MOCK_CHUNK_INTERVAL_MS: '0' },
  });
  const configPath = writeBenchConfig(temporaryDirectory, mock.origin);
  const environment = gatewayEnvironment(temporaryDirectory, configPath);
  process.stderr.write('bench: provisioning a temporary instance (migrate, user add, key create)\n');
  const apiKey = await provisionBenchAccount(settings.binPath, environment);
  const gateway = await startGateway(settings.binPath, environment, temporaryDirectory);
  process.stderr.write(`bench: gateway up at ${gateway.origin} (pid ${gateway.pid}); mock at ${mock.origin}\n`);

  const warnings = [];
  for (const scenario of settings.scenarios) {
    const direct = await checkScenarioAnswer(`direct ${scenario}`, scenarioTarget(mock.origin, scenario, undefined));
    const viaGateway = await checkScenarioAnswer(`gateway ${scenario}`, scenarioTarget(gateway.origin, scenario, apiKey));
    warnings.push(...direct.warnings, ...viaGateway.warnings);
  }
  for (const warning of warnings) process.stderr.write(`bench: warning: ${warning}\n`);

  // Everything the bench itself runs, so that the rest of the machine's busy time is "other load".
  const probe = createForeignLoadProbe(async () => {
    const mockUsage = await mock.cpuUsage();
    const gatewaySeconds = measureCpu ? processTreeCpuSeconds(gateway.pid) : 0;
    return ownProcessCpuSeconds() + (mockUsage.user + mockUsage.system) / 1e6 + gatewaySeconds;
  });
  const runs = [];
  let peakGatewayRssBytes = residentBytes(gateway.pid);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const scenario of settings.scenarios) {
      for (const concurrency of settings.concurrencies) {
        // Alternate which target goes first, so neither always runs on a warmer machine.
        const targets = (round + concurrency) % 2 === 0 ? ['gateway', 'direct'] : ['direct', 'gateway'];
        for (const targetName of targets) {
          if (gateway.child.exitCode !== null || gateway.child.signalCode !== null) {
            throw new Error(`the gateway exited during the bench. Its log:\n${gateway.logTail()}`);
          }
          const target =
            targetName === 'gateway' ? scenarioTarget(gateway.origin, scenario, apiKey) : scenarioTarget(mock.origin, scenario, undefined);
          globalThis.gc?.();
          if (!settings.quick) await waitForQuietMachine(QUIET_WAIT_MS);
          let foreignCoreShare = Number.NaN;
          let cpuBefore = Number.NaN;
          let cpuAfter = Number.NaN;
          const result = await runLoad({
            ...target,
            concurrency,
            durationMs: settings.durationMs,
            warmupMs: settings.warmupMs,
            onMeasureStart: async () => {
              await probe.begin();
              if (measureCpu && targetName === 'gateway') cpuBefore = processTreeCpuSeconds(gateway.pid);
            },
            onMeasureEnd: async () => {
              if (measureCpu && targetName === 'gateway') cpuAfter = processTreeCpuSeconds(gateway.pid);
              foreignCoreShare = await probe.end();
            },
          });
          peakGatewayRssBytes = Math.max(peakGatewayRssBytes, residentBytes(gateway.pid));
          const latency = summarizeSamples(result.latenciesMs);
          const firstEvent = summarizeSamples(result.firstEventMs);
          const run = {
            round,
            scenario,
            concurrency,
            target: targetName,
            completed: result.completed,
            failed: result.failed,
            firstFailure: result.firstFailure,
            requestsPerSecond: (result.completed / result.elapsedMs) * 1000,
            p50Ms: latency.p50,
            p99Ms: latency.p99,
            firstEventP50Ms: firstEvent.p50,
            firstEventP99Ms: firstEvent.p99,
            cpuMicrosecondsPerRequest: result.completed ? ((cpuAfter - cpuBefore) * 1e6) / result.completed : Number.NaN,
            foreignCoreShare,
          };
          runs.push(run);
          process.stderr.write(
            `  round ${round + 1} ${scenario.padEnd(6)} c=${String(concurrency).padEnd(3)} ${targetName.padEnd(7)} ` +
              `${Math.round(run.requestsPerSecond)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, ` +
              `other load ${run.foreignCoreShare.toFixed(2)} core` +
              `${run.failed ? `, ${run.failed} FAILED (${run.firstFailure})` : ''}\n`,
          );
        }
      }
    }
  }

  await stopChild(gateway.child);
  let ledgerVerify = 'ok';
  try {
    await runGatewayCommand(settings.binPath, ['ledger', 'verify'], environment);
  } catch (error) {
    ledgerVerify = `failed: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`bench: warning: ledger verify after the run ${ledgerVerify}\n`);
  }
  await stopAllChildren();

  const summary = summarizeGatewayRuns(runs);
  const facts = machineFacts(repositoryRoot, ['fastify', 'undici', 'better-sqlite3']);
  const outputPath = path.join(benchDirectory, 'results', 'latest.json');
  const totalFailed = runs.reduce((sum, run) => sum + run.failed, 0);
  writeResultsFile(outputPath, {
    kind: 'gateway-vs-direct',
    machine: facts,
    settings: {
      quick: settings.quick,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      rounds: settings.rounds,
      scenarios: settings.scenarios,
      concurrencies: settings.concurrencies,
      streamChunks: settings.streamChunks,
      store: 'sqlite (embedded, temp dir)',
    },
    checks: { warnings, ledgerVerify, totalFailed },
    gateway: { peakRssBytes: peakGatewayRssBytes },
    summary,
    runs,
  });
  process.stdout.write(
    `\nnproc ${facts.nproc} (${facts.cpuModel}), Node ${facts.node}, ${facts.date}; medians of ${settings.rounds} round(s), ` +
      `${settings.durationMs / 1000} s each; gateway CPU from /proc (process tree); gateway peak RSS ` +
      `${Math.round(peakGatewayRssBytes / 2 ** 20)} MiB; ledger verify: ${ledgerVerify === 'ok' ? 'ok' : 'FAILED'}\n\n` +
      `${formatGatewayTables(summary)}\n\nwritten to ${path.relative(process.cwd(), outputPath)}\n`,
  );
  clearTimeout(budget);
  cleanUpTemporaryDirectory();
  if (totalFailed > 0) {
    process.stderr.write(`bench: ${totalFailed} request(s) failed during the load; see firstFailure in ${path.relative(process.cwd(), outputPath)}\n`);
    process.exitCode = 1;
  }
}

function cleanUpTemporaryDirectory() {
  if (!temporaryDirectory) return;
  if (keepTemporaryDirectory) {
    process.stderr.write(`bench: kept ${temporaryDirectory}\n`);
  } else {
    removeBenchDirectory(temporaryDirectory);
  }
  temporaryDirectory = undefined;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAllChildren();
  if (temporaryDirectory && !keepTemporaryDirectory) process.stderr.write(`bench: (use --keep-temp to keep the temp dir and the gateway log)\n`);
  cleanUpTemporaryDirectory();
  process.exit(1);
});

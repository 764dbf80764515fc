// `npm run bench`: Switchyard against a bare floor proxy, the Portkey gateway and direct-to-mock,
// each its own process on 127.0.0.1, measured in the same run, interleaved per round; medians.
// Uses only Switchyard's public surface (command line, HTTP); see bench/README.md.
//
//   node --expose-gc bench/run.js [--quick] [--scenario chat,stream,...|all] [--skip many-streams]
//     [--targets floor,switchyard,portkey] [--duration S] [--warmup S] [--jit-warmup S] [--rounds N]
//     [--output DIR] [--bin PATH] [--keep-temp]
//
// Prints tables and writes latest.json, latest.svg and latest.md to bench/results (or --output).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkAnswer } from './lib/answer-check.js';
import { EXTERNAL_SCENARIOS, SCENARIOS, quickConcurrency } from './lib/bench-scenarios.js';
import { summarizeBench } from './lib/bench-summary.js';
import { requestFor, startTargets, verifyLedger } from './lib/bench-targets.js';
import { stopAllChildren } from './lib/child-processes.js';
import { parseOptions } from './lib/command-line-options.js';
import { runExternalScenario } from './lib/external-scenarios.js';
import { createForeignLoadProbe, FOREIGN_LOAD_LIMIT, MAXIMUM_ATTEMPTS, ownProcessCpuSeconds, waitForQuietMachine } from './lib/foreign-load.js';
import { assertGatewayBuilt, createBenchDirectory, removeBenchDirectory } from './lib/gateway-setup.js';
import { benchMachineFacts } from './lib/bench-facts.js';
import { formatReport } from './lib/markdown-report.js';
import { measureWindow } from './lib/measure-window.js';
import { warmUpTargets } from './lib/jit-warm-up.js';
import { procAvailable, processTreeCpuSeconds, processTreeResidentBytes } from './lib/process-cpu.js';
import { renderChart } from './lib/svg-chart.js';
import { evaluateTargets } from './lib/target-checks.js';
import { writeResultsFile, writeTextFile } from './lib/write-results.js';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const SETUP_BUDGET_MS = 180_000;
const QUIET_WAIT_MS = 3_000;
/** Time all re-run windows together may take, so a busy machine cannot stretch the run unbounded. */
const RETRY_BUDGET_MS = 120_000;

let temporaryDirectory;
let keepTemporaryDirectory = false;
const startedAt = performance.now();
const elapsed = () => `${Math.round((performance.now() - startedAt) / 1000)} s`;
const log = (line) => process.stderr.write(`bench [${elapsed()}]: ${line}\n`);

function readSettings() {
  const options = parseOptions(process.argv.slice(2), {
    quick: 'flag',
    duration: 'number',
    warmup: 'number',
    'jit-warmup': 'number',
    rounds: 'number',
    scenario: 'string',
    skip: 'string',
    targets: 'string',
    output: 'string',
    bin: 'string',
    'keep-temp': 'flag',
  });
  const quick = options.quick === true;
  const known = [...Object.keys(SCENARIOS), ...Object.keys(EXTERNAL_SCENARIOS)];
  const list = (value) => (value === undefined ? [] : String(value).split(',').map((part) => part.trim()).filter(Boolean));
  const requested = options.scenario === undefined || options.scenario === 'all' ? ['all'] : list(options.scenario);
  for (const name of [...requested, ...list(options.skip)]) {
    if (name !== 'all' && !known.includes(name)) throw new Error(`unknown scenario ${name} (known: ${known.join(', ')}, all)`);
  }
  // A smoke run leaves out the long standalone scenarios unless they are named.
  const all = quick ? Object.keys(SCENARIOS) : known;
  const scenarios = (requested.includes('all') ? all : requested).filter((name) => !list(options.skip).includes(name));
  const targets = options.targets === undefined ? undefined : new Set(['direct', ...list(options.targets)]);
  return {
    quick,
    durationMs: Number(options.duration ?? (quick ? 0.3 : 3)) * 1000,
    warmupMs: Number(options.warmup ?? (quick ? 0.1 : 0.5)) * 1000,
    // Once per target and case, before the first round (jit-warm-up.js).
    jitWarmupMs: Number(options['jit-warmup'] ?? (quick ? 0 : 5)) * 1000,
    rounds: Math.max(1, Math.round(Number(options.rounds ?? (quick ? 1 : 3)))),
    scenarios: scenarios.filter((name) => name in SCENARIOS),
    externalScenarios: scenarios.filter((name) => name in EXTERNAL_SCENARIOS),
    targets,
    outputDirectory: path.resolve(String(options.output ?? path.join(benchDirectory, 'results'))),
    binPath: path.resolve(String(options.bin ?? path.join(repositoryRoot, 'bin', 'switchyard.js'))),
    binIsDefault: options.bin === undefined,
    keepTemp: options['keep-temp'] === true,
  };
}

/** The selected cases, with the client counts of this run and the targets allowed by --targets. */
function selectCases(settings) {
  return settings.scenarios.flatMap((scenario) =>
    SCENARIOS[scenario].cases.map((benchCase) => ({
      ...benchCase,
      concurrencies: [...new Set(benchCase.concurrencies.map((count) => (settings.quick ? quickConcurrency(count) : count)))],
      targets: benchCase.targets.filter(
        (target) => !settings.targets || settings.targets.has(target.replace(/-workers-\d+$/, '')) || target.startsWith('switchyard'),
      ),
    })),
  );
}

/** A case may take more rounds than `--rounds` (never in a smoke run): see `chat`. */
function roundsOf(settings, benchCase) {
  return settings.quick ? settings.rounds : Math.max(settings.rounds, benchCase.minimumRounds ?? 0);
}

/** A case may measure longer than `--duration` (never in a smoke run): see `workers`. */
function durationOf(settings, benchCase) {
  return settings.quick ? settings.durationMs : Math.max(settings.durationMs, benchCase.durationMs ?? 0);
}

function plannedLoadMs(settings, cases) {
  let total = 0;
  for (const benchCase of cases) {
    const slowest = (benchCase.delayMs ?? 0) + (benchCase.paceMs ?? 0) * ((benchCase.chunks ?? 0) + 3);
    const warmupMs = settings.quick ? settings.warmupMs : (benchCase.warmupMs ?? settings.warmupMs);
    const windowMs = warmupMs + durationOf(settings, benchCase) + 2 * slowest + 300 + (settings.quick ? 0 : 600);
    total += windowMs * benchCase.concurrencies.length * benchCase.targets.length * roundsOf(settings, benchCase);
    if ((benchCase.delayMs ?? 0) < 1_000) total += settings.jitWarmupMs * benchCase.targets.length;
  }
  return total;
}

async function main() {
  const settings = readSettings();
  keepTemporaryDirectory = settings.keepTemp;
  const cases = selectCases(settings);
  if (cases.length > 0) assertGatewayBuilt(repositoryRoot, settings.binPath, settings.binIsDefault);
  // Read now, with the build the run starts: the tree may change while the run goes on.
  const machine = benchMachineFacts(repositoryRoot);
  const measureCpu = procAvailable();
  if (!measureCpu) log('/proc is not readable here; CPU and memory columns will be n/a');
  const plannedMs = plannedLoadMs(settings, cases);
  const windowCount = cases.reduce((sum, benchCase) => sum + roundsOf(settings, benchCase) * benchCase.concurrencies.length * benchCase.targets.length, 0);
  const roundCount = Math.max(settings.rounds, ...cases.map((benchCase) => roundsOf(settings, benchCase)));
  // A safety net only: room for every wait for a quiet machine and every re-run.
  const budgetMs = plannedMs * 1.5 + (settings.quick ? 0 : windowCount * QUIET_WAIT_MS) + SETUP_BUDGET_MS + RETRY_BUDGET_MS;
  const budget = setTimeout(() => {
    log(`exceeded its time budget of ${Math.round(budgetMs / 1000)} s, aborting`);
    cleanUpTemporaryDirectory();
    process.exit(1);
  }, budgetMs);
  budget.unref();
  log(
    `${roundCount} round(s) x scenarios ${settings.scenarios.join(',') || '(none)'}: ${windowCount} windows of ` +
      `${settings.durationMs / 1000} s (+ ${settings.warmupMs / 1000} s warm-up), about ${Math.round(plannedMs / 1000)} s of load` +
      (settings.externalScenarios.length ? `; then ${settings.externalScenarios.join(', ')}` : ''),
  );

  const runs = [];
  const warnings = [];
  const ledger = {};
  const peakRssBytes = {};
  if (cases.length > 0) {
    temporaryDirectory = createBenchDirectory();
    process.once('exit', cleanUpTemporaryDirectory);
    const needed = new Set(cases.flatMap((benchCase) => benchCase.targets));
    const targets = await startTargets({ benchDirectory, binPath: settings.binPath, temporaryDirectory, needed, log });
    const mock = targets.direct;

    for (const benchCase of cases) {
      const checked = await Promise.all(
        benchCase.targets.map((name) =>
          checkAnswer(`${name} ${benchCase.id}`, requestFor(targets[name], benchCase, mock.origin), {
            chunks: benchCase.chunks,
            expectCost: name.startsWith('switchyard'),
            anthropicStream: name === 'direct' && benchCase.upstream === 'anthropic',
          }),
        ),
      );
      for (const result of checked) warnings.push(...result.warnings);
    }
    for (const warning of warnings) log(`warning: ${warning}`);
    if (settings.jitWarmupMs > 0) log(`warming every target up: ${settings.jitWarmupMs / 1000} s of load per case, unmeasured`);
    const warmUpFailures = await warmUpTargets({ cases, targets, mockOrigin: mock.origin, durationMs: settings.jitWarmupMs, log });
    if (warmUpFailures > 0) {
      warnings.push(`${warmUpFailures} request(s) failed during the warm-up`);
      log(`warning: ${warmUpFailures} request(s) failed during the warm-up`);
    }

    // Everything the bench itself runs, so that the rest of the machine's busy time is "other load".
    const probe = createForeignLoadProbe(() => {
      let seconds = ownProcessCpuSeconds();
      if (measureCpu) for (const target of Object.values(targets)) seconds += processTreeCpuSeconds(target.pid);
      return seconds;
    });
    let done = 0;
    let retrySpentMs = 0;
    for (let round = 0; round < roundCount; round += 1) {
      for (const [caseIndex, benchCase] of cases.entries()) {
        if (round >= roundsOf(settings, benchCase)) continue;
        for (const [concurrencyIndex, concurrency] of benchCase.concurrencies.entries()) {
          // Rotate the order, so that no target always runs first or last.
          const shift = (round + caseIndex + concurrencyIndex) % benchCase.targets.length;
          const order = [...benchCase.targets.slice(shift), ...benchCase.targets.slice(0, shift)];
          for (const name of order) {
            const target = targets[name];
            for (const running of Object.values(targets)) {
              if (!running.alive()) throw new Error(`${running.name} exited during the bench. Its output:\n${running.logTail()}`);
            }
            let measured;
            let attempts = 0;
            // A window disturbed by other work on the machine is measured again, within a time budget.
            do {
              attempts += 1;
              globalThis.gc?.();
              if (!settings.quick) await waitForQuietMachine(QUIET_WAIT_MS);
              const attemptStartedAt = performance.now();
              measured = await measureWindow({
                target,
                mock,
                load: requestFor(target, benchCase, mock.origin),
                // Per worker, where a case compares worker counts: each worker gets the same load.
                concurrency: benchCase.clientsPerWorker ? concurrency * (target.workers ?? 1) : concurrency,
                durationMs: durationOf(settings, benchCase),
                // A smoke run needs no warm-up where one request already takes a second or more.
                warmupMs: settings.quick ? (benchCase.delayMs || benchCase.paceMs ? 0 : settings.warmupMs) : (benchCase.warmupMs ?? settings.warmupMs),
                measureCpu,
                probe,
              });
              if (attempts > 1) retrySpentMs += performance.now() - attemptStartedAt;
            } while (
              !settings.quick &&
              measured.foreignCoreShare > FOREIGN_LOAD_LIMIT &&
              attempts < MAXIMUM_ATTEMPTS &&
              retrySpentMs < RETRY_BUDGET_MS
            );
            const run = { round, scenario: benchCase.scenario, caseId: benchCase.id, concurrency, target: name, attempts, ...measured };
            runs.push(run);
            done += 1;
            process.stderr.write(`  [${done}/${windowCount}, ${elapsed()}] ${progressLine(run)}\n`);
          }
        }
      }
    }
    for (const target of Object.values(targets)) {
      peakRssBytes[target.name] = measureCpu ? processTreeResidentBytes(target.pid, 'VmHWM') : Number.NaN;
    }
    for (const target of Object.values(targets).filter((candidate) => candidate.environment)) {
      await target.stop();
      ledger[target.name] = await verifyLedger(settings.binPath, target);
      if (ledger[target.name] !== 'ok') log(`warning: ledger verify of ${target.name} ${ledger[target.name]}`);
    }
    await stopAllChildren();
    cleanUpTemporaryDirectory();
  }
  clearTimeout(budget);

  const external = {};
  for (const name of settings.externalScenarios) {
    external[name] = await runExternalScenario(name, { benchDirectory, outputDirectory: settings.outputDirectory, quick: settings.quick, log });
  }

  const summary = summarizeBench(runs, cases);
  const targetChecks = evaluateTargets(summary);
  const totalFailed = runs.reduce((sum, run) => sum + run.failed, 0);
  const results = {
    kind: 'gateway-comparison',
    machine,
    settings: {
      quick: settings.quick,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      jitWarmupMs: settings.jitWarmupMs,
      rounds: settings.rounds,
      scenarios: settings.scenarios,
      externalScenarios: settings.externalScenarios,
      cases: cases.map((benchCase) => {
        const { id, scenario, model, upstream, stream, chunks, paceMs, delayMs, largePrompt, concurrencies, targets } = benchCase;
        return { id, scenario, model, upstream, stream, chunks, paceMs, delayMs, largePrompt: largePrompt === true, concurrencies, targets, rounds: roundsOf(settings, benchCase) };
      }),
      store: 'sqlite (embedded, temp dir)',
      cpuSource: '/proc/<pid>/stat utime+stime of the target process tree',
    },
    checks: { warnings, ledgerVerify: ledger, totalFailed },
    peakRssBytes,
    summary,
    targets: targetChecks,
    external,
    runs,
  };
  const outputs = {
    json: path.join(settings.outputDirectory, 'latest.json'),
    svg: path.join(settings.outputDirectory, 'latest.svg'),
    markdown: path.join(settings.outputDirectory, 'latest.md'),
  };
  writeResultsFile(outputs.json, results);
  writeTextFile(outputs.svg, renderChart(results));
  const report = formatReport(results);
  writeTextFile(outputs.markdown, report);
  process.stdout.write(`\n${report}\nwritten: ${Object.values(outputs).map((file) => path.relative(process.cwd(), file)).join(', ')}\n`);
  if (totalFailed > 0) {
    log(`${totalFailed} request(s) failed during the load; see firstFailure in ${path.relative(process.cwd(), outputs.json)}`);
    process.exitCode = 1;
  }
}

function progressLine(run) {
  const number = (value, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  return (
    `round ${run.round + 1} ${run.caseId} c=${run.concurrency} ${run.target}: ${Math.round(run.requestsPerSecond)} req/s, ` +
    `p50 ${number(run.p50Ms)} ms, p99 ${number(run.p99Ms)} ms, CPU ${number(run.cpuMicrosecondsPerRequest, 0)} us/req, ` +
    `other load ${number(run.foreignCoreShare)} core${run.attempts > 1 ? ` (attempt ${run.attempts})` : ''}${run.failed ? `, ${run.failed} FAILED (${run.firstFailure})` : ''}`
  );
}

function cleanUpTemporaryDirectory() {
  if (!temporaryDirectory) return;
  if (keepTemporaryDirectory) log(`kept ${temporaryDirectory}`);
  else removeBenchDirectory(temporaryDirectory);
  temporaryDirectory = undefined;
}

main().catch(async (error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAllChildren();
  if (temporaryDirectory && !keepTemporaryDirectory) log('(use --keep-temp to keep the temp dir and the gateway logs)');
  cleanUpTemporaryDirectory();
  process.exit(1);
});

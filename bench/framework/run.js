// Measures the HTTP framework candidates for the gateway: each proxies a small chat completion to
// the same mock upstream, in its own process; rounds are interleaved and medians reported.
//
//   node bench/framework/run.js [--quick] [--rounds N] [--duration S] [--warmup S] [--concurrency 1,32]
//
// Prints a table and writes bench/results/framework.json.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startBenchChild, stopAllChildren } from '../lib/child-processes.js';
import { parseNumberList, parseOptions } from '../lib/command-line-options.js';
import {
  createForeignLoadProbe,
  FOREIGN_LOAD_LIMIT,
  MAXIMUM_ATTEMPTS,
  ownProcessCpuSeconds,
  waitForQuietMachine,
} from '../lib/foreign-load.js';
import { formatTable } from '../lib/format-table.js';
import { runLoad } from '../lib/load-loop.js';
import { machineFacts } from '../lib/machine-facts.js';
import { median, summarizeSamples } from '../lib/stats.js';
import { writeResultsFile } from '../lib/write-results.js';

const benchDirectory = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const repositoryRoot = path.dirname(benchDirectory);

const FRAMEWORKS = [
  { id: 'node-http', label: 'node:http + undici.request', script: 'proxy-node-http.js' },
  { id: 'fastify', label: 'Fastify 5 + undici.request', script: 'proxy-fastify.js' },
  { id: 'hono-fetch', label: 'Hono + fetch (natural style)', script: 'proxy-hono-fetch.js' },
  { id: 'hono-undici', label: 'Hono + undici.request', script: 'proxy-hono-undici.js' },
];

let upstreamChild;
let retryDeadline = Number.POSITIVE_INFINITY;
const QUIET_WAIT_MS = 10_000;

const REQUEST_BODY = JSON.stringify({
  model: 'bench-model',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'Say hello in one short sentence.' },
  ],
  max_tokens: 16,
});

async function main() {
  const options = parseOptions(process.argv.slice(2), {
    quick: 'flag',
    rounds: 'number',
    duration: 'number',
    warmup: 'number',
    concurrency: 'string',
  });
  const rounds = Math.round(Number(options.rounds ?? (options.quick ? 1 : 3)));
  const durationMs = Number(options.duration ?? (options.quick ? 1 : 4)) * 1000;
  const warmupMs = Number(options.warmup ?? (options.quick ? 0.3 : 1)) * 1000;
  const concurrencies = parseNumberList(options.concurrency ?? '1,32', 'concurrency');

  const plannedMs = rounds * FRAMEWORKS.length * concurrencies.length * (durationMs + warmupMs + 500);
  // Re-runs of windows disturbed by other processes may stretch the plan, but never past this.
  retryDeadline = performance.now() + plannedMs * 2;
  const budgetMs = plannedMs * 3 + 60_000;
  const budget = setTimeout(() => {
    process.stderr.write(`framework bench: exceeded its time budget of ${Math.round(budgetMs / 1000)} s, aborting\n`);
    process.exit(1);
  }, budgetMs);
  budget.unref();
  process.stderr.write(
    `framework bench: ${rounds} round(s) x ${FRAMEWORKS.length} frameworks x concurrency ${concurrencies.join(',')}, ` +
      `${durationMs / 1000} s measured + ${warmupMs / 1000} s warm-up each, about ${Math.round(plannedMs / 1000)} s\n`,
  );

  const upstream = await startBenchChild(path.join(benchDirectory, 'mock-upstream.js'), { name: 'mock upstream' });
  upstreamChild = upstream;
  const proxies = new Map();
  for (const framework of FRAMEWORKS) {
    proxies.set(
      framework.id,
      await startBenchChild(path.join(benchDirectory, 'framework', framework.script), {
        name: framework.label,
        env: { UPSTREAM_ORIGIN: upstream.origin, NODE_ENV: 'production' },
      }),
    );
  }
  for (const framework of FRAMEWORKS) await checkProxyAnswers(framework, proxies.get(framework.id));

  const runs = [];
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order each round so no framework always runs first (cold) or last.
    const order = FRAMEWORKS.map((_, index) => FRAMEWORKS[(index + round) % FRAMEWORKS.length]);
    for (const framework of order) {
      for (const concurrency of concurrencies) {
        const run = await measureWithRetries(proxies, framework, concurrency, durationMs, warmupMs);
        run.round = round;
        runs.push(run);
        process.stderr.write(
          `  round ${round + 1} ${framework.id.padEnd(11)} c=${String(concurrency).padEnd(3)} ` +
            `${Math.round(run.requestsPerSecond)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, ` +
            `${Math.round(run.cpuMicrosecondsPerRequest)} us CPU/req, other load ${run.foreignCoreShare.toFixed(2)} core` +
            `${run.attempts > 1 ? ` (attempt ${run.attempts})` : ''}${run.failed ? `, ${run.failed} FAILED (${run.firstFailure})` : ''}\n`,
        );
      }
    }
  }
  await stopAllChildren();

  const summary = [];
  for (const framework of FRAMEWORKS) {
    for (const concurrency of concurrencies) {
      const all = runs.filter((run) => run.framework === framework.id && run.concurrency === concurrency);
      // Windows disturbed by other processes are used only when no undisturbed one exists.
      const clean = all.filter((run) => run.foreignCoreShare <= FOREIGN_LOAD_LIMIT);
      const mine = clean.length > 0 ? clean : all;
      summary.push({
        framework: framework.id,
        label: framework.label,
        concurrency,
        requestsPerSecond: median(mine.map((run) => run.requestsPerSecond)),
        p50Ms: median(mine.map((run) => run.p50Ms)),
        p99Ms: median(mine.map((run) => run.p99Ms)),
        cpuMicrosecondsPerRequest: median(mine.map((run) => run.cpuMicrosecondsPerRequest)),
        foreignCoreShare: median(mine.map((run) => run.foreignCoreShare)),
        roundsUsed: mine.length,
        failed: all.reduce((sum, run) => sum + run.failed, 0),
      });
    }
  }
  const floorOf = (concurrency) => summary.find((row) => row.framework === 'node-http' && row.concurrency === concurrency);
  for (const row of summary) {
    const floor = floorOf(row.concurrency);
    row.throughputVersusNodeHttp = floor ? row.requestsPerSecond / floor.requestsPerSecond : Number.NaN;
    row.cpuVersusNodeHttp = floor ? row.cpuMicrosecondsPerRequest / floor.cpuMicrosecondsPerRequest : Number.NaN;
  }

  const facts = {
    ...machineFacts(repositoryRoot, ['fastify', 'undici', 'hono', '@hono/node-server']),
    bundledUndiciForFetch: process.versions.undici ?? 'unknown',
  };
  const table = formatTable(
    ['framework', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'CPU us/req', 'req/s vs floor', 'CPU vs floor', 'other load', 'rounds used', 'failed'],
    summary.map((row) => [
      row.label,
      row.concurrency,
      row.requestsPerSecond,
      row.p50Ms,
      row.p99Ms,
      row.cpuMicrosecondsPerRequest,
      row.throughputVersusNodeHttp,
      row.cpuVersusNodeHttp,
      row.foreignCoreShare,
      row.roundsUsed,
      row.failed,
    ]),
  );
  const outputPath = path.join(benchDirectory, 'results', 'framework.json');
  writeResultsFile(outputPath, {
    kind: 'framework-comparison',
    machine: facts,
    settings: { rounds, durationMs, warmupMs, concurrencies, requestBodyBytes: Buffer.byteLength(REQUEST_BODY) },
    summary,
    runs,
  });
  process.stdout.write(
    `\nnproc ${facts.nproc} (${facts.cpuModel}), Node ${facts.node}, ${Object.entries(facts.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}, fetch = bundled undici ${facts.bundledUndiciForFetch}; ${facts.date}\n` +
      `medians of ${rounds} interleaved round(s), ${durationMs / 1000} s each, over the undisturbed rounds when there are any ` +
      `(other load = cores used by unrelated processes; windows above ${FOREIGN_LOAD_LIMIT} are re-run, then left out); ` +
      `CPU = proxy process only\n\n${table}\n\n` +
      `written to ${path.relative(process.cwd(), outputPath)}\n`,
  );
  clearTimeout(budget);
}

/** One measured window; re-run (up to MAXIMUM_ATTEMPTS) when other processes loaded the machine. */
async function measureWithRetries(proxies, framework, concurrency, durationMs, warmupMs) {
  const proxy = proxies.get(framework.id);
  const children = [...proxies.values(), upstreamChild];
  const probe = createForeignLoadProbe(async () => {
    const usages = await Promise.all(children.map((child) => child.cpuUsage()));
    return ownProcessCpuSeconds() + usages.reduce((sum, usage) => sum + (usage.user + usage.system) / 1e6, 0);
  });
  let run;
  for (let attempt = 1; attempt <= MAXIMUM_ATTEMPTS; attempt += 1) {
    globalThis.gc?.();
    if (performance.now() < retryDeadline) await waitForQuietMachine(QUIET_WAIT_MS);
    let cpuBefore;
    let cpuAfter;
    let foreignCoreShare = Number.NaN;
    const result = await runLoad({
      origin: proxy.origin,
      concurrency,
      durationMs,
      warmupMs,
      request: { path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: REQUEST_BODY },
      onMeasureStart: async () => {
        await probe.begin();
        cpuBefore = await proxy.cpuUsage();
      },
      onMeasureEnd: async () => {
        cpuAfter = await proxy.cpuUsage();
        foreignCoreShare = await probe.end();
      },
    });
    const latency = summarizeSamples(result.latenciesMs);
    const cpuMicroseconds = cpuAfter.user - cpuBefore.user + (cpuAfter.system - cpuBefore.system);
    run = {
      framework: framework.id,
      concurrency,
      attempts: attempt,
      foreignCoreShare,
      completed: result.completed,
      failed: result.failed,
      firstFailure: result.firstFailure,
      requestsPerSecond: (result.completed / result.elapsedMs) * 1000,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      cpuMicrosecondsPerRequest: result.completed ? cpuMicroseconds / result.completed : Number.NaN,
      proxyCoreShare: cpuMicroseconds / 1000 / result.elapsedMs,
    };
    if (!(foreignCoreShare > FOREIGN_LOAD_LIMIT) || performance.now() > retryDeadline) break;
  }
  return run;
}

async function checkProxyAnswers(framework, proxy) {
  const response = await fetch(`${proxy.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: REQUEST_BODY,
  });
  const answer = await response.json();
  const content = answer?.choices?.[0]?.message?.content;
  if (response.status !== 200 || typeof content !== 'string' || answer.model !== 'upstream-model') {
    throw new Error(`${framework.label} answered wrongly (HTTP ${response.status}): ${JSON.stringify(answer).slice(0, 300)}`);
  }
}

main().catch(async (error) => {
  process.stderr.write(`framework bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAllChildren();
  process.exit(1);
});

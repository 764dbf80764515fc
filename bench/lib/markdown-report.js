// The bench results as Markdown tables: printed at the end of a run and written to latest.md for
// the README.
import { formatTable } from './format-table.js';
import { renderExternalResults } from './external-report.js';

const MIB = 2 ** 20;

/** One line naming the machine, the versions and the date a run is from. */
export function machineLine(machine) {
  const packages = Object.entries(machine.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return (
    `${machine.nproc} cores (${machine.cpuModel}), ${machine.totalMemoryGiB} GiB, ${machine.platform}; Node ${machine.node}; ` +
    `Switchyard ${machine.switchyard.version} (${machine.switchyard.commit}); ${packages}; ${machine.date.slice(0, 16).replace('T', ' ')} UTC`
  );
}

export function formatReport(results) {
  const { summary, settings } = results;
  const sections = [
    `## Gateway bench, ${results.machine.date.slice(0, 10)}`,
    `${machineLine(results.machine)}.`,
    `Medians of ${roundsText(settings)} of ${settings.durationMs / 1000} s windows, targets interleaved; CPU is utime + stime of ` +
      "each target's process tree from /proc; \"added\" (target minus direct-to-mock) and the CPU ratios in the targets are taken " +
      'within each round, then the median of the rounds. Switchyard runs with key ' +
      'authentication, credit holds, routing, metering and request logging to its SQLite store.',
  ];
  if (results.targets.length > 0 && summary.rows.length > 0) sections.push('### Targets', targetsTable(results.targets));
  const groups = [
    ['Non-streaming', (row) => ['chat', 'chat-64k'].includes(row.scenario), plainTable],
    ['In-flight capacity (slow upstream)', (row) => row.scenario.startsWith('slow-'), capacityTable],
    ['Streaming', (row) => row.scenario.startsWith('stream'), streamTable],
  ];
  for (const [title, belongs, table] of groups) {
    const rows = summary.rows.filter(belongs);
    if (rows.length > 0) sections.push(`### ${title}`, table(rows));
    if (rows.length > 0 && title === 'Streaming') sections.push(realtimeClientLine(results.runs ?? []));
  }
  if (summary.perChunk.length > 0) sections.push('### CPU per forwarded chunk', perChunkTable(summary.perChunk));
  const paced = summary.rows.filter((row) => row.spread);
  if (paced.length > 0) sections.push('### Spread of paced chunks (64 chunks, 20 ms apart)', spreadTable(paced));
  if (summary.workers) sections.push('### SWITCHYARD_WORKERS', workersTable(summary.workers));
  const store = storeTable(summary.rows);
  if (store) sections.push('### Store queries per request (Switchyard, from /metrics)', store);
  if (Object.keys(results.peakRssBytes).length > 0) sections.push('### Memory', memoryTable(results.peakRssBytes));
  for (const [name, outcome] of Object.entries(results.external)) sections.push(`### ${name}`, renderExternalResults(outcome));
  sections.push(checksLine(results));
  return `${sections.join('\n\n')}\n`;
}

/**
 * How many one-client stream windows timed their first token with the client at real-time
 * priority (`client-priority.js`), so a reader knows which kind of number the table shows.
 */
export function realtimeClientLine(runs) {
  const timed = runs.filter((run) => run.concurrency === 1 && run.scenario.startsWith('stream'));
  const realtime = timed.filter((run) => run.realtimeClient).length;
  if (timed.length === 0) return 'One-client stream windows: none.';
  return (
    `One-client stream windows: the load generator ran at real-time priority (SCHED_FIFO) in ${realtime} of ${timed.length}, ` +
    'so that it reads the first token when it arrives rather than after the mock and the proxy give up a core' +
    (realtime < timed.length ? '; in the others it could not (no CAP_SYS_NICE, or no `chrt`) and ran at normal priority.' : '.')
  );
}

/** "3 round(s)", or "3 round(s) (chat: 7)" where a case took more. */
export function roundsText(settings) {
  const more = (settings.cases ?? []).filter((benchCase) => (benchCase.rounds ?? settings.rounds) > settings.rounds);
  const extra = more.length ? ` (${more.map((benchCase) => `${benchCase.id}: ${benchCase.rounds}`).join(', ')})` : '';
  return `${settings.rounds} round(s)${extra}`;
}

function targetsTable(checks) {
  return formatTable(
    ['target', 'measured', 'limit', 'result'],
    checks.map((check) => [
      check.description,
      check.unit === 'share' ? formatNumber(check.value) : `${formatNumber(check.value)} ${unitText(check.unit)}`,
      check.limitText ?? (Number.isFinite(check.limit) ? `<= ${formatNumber(check.limit)} ${unitText(check.unit)}` : 'no more bunched than direct'),
      check.pass === null ? 'not measured' : `${check.pass ? 'pass' : 'FAIL'}${check.note ? ` (${check.note})` : ''}`,
    ]),
  );
}

function unitText(unit) {
  return unit === 'us' ? 'µs' : unit;
}

function forEachTarget(rows, build) {
  return rows.flatMap((row) => Object.entries(row.targets).map(([name, measures]) => build(row, name, measures, row.added[name] ?? {})));
}

function plainTable(rows) {
  return formatTable(
    ['case', 'clients', 'target', 'req/s', 'p50 ms', 'p99 ms', 'added p50 ms', 'added p99 ms', 'CPU µs/req', 'RSS MiB', 'failed'],
    forEachTarget(rows, (row, name, measures, added) => [
      row.caseId,
      row.concurrency,
      name,
      measures.requestsPerSecond,
      measures.p50Ms,
      measures.p99Ms,
      added.p50Ms ?? Number.NaN,
      added.p99Ms ?? Number.NaN,
      measures.cpuMicrosecondsPerRequest,
      measures.rssBytes / MIB,
      measures.failed,
    ]),
  );
}

function capacityTable(rows) {
  return formatTable(
    ['case', 'clients', 'target', 'req/s', 'of concurrency/delay', 'upstream in flight (peak)', 'p50 ms', 'p99 ms', 'CPU µs/req', 'RSS MiB', 'failed'],
    forEachTarget(rows, (row, name, measures) => [
      row.caseId,
      row.concurrency,
      name,
      measures.requestsPerSecond,
      measures.requestsPerSecond / row.theoreticalRequestsPerSecond,
      measures.upstreamInFlightPeak,
      measures.p50Ms,
      measures.p99Ms,
      measures.cpuMicrosecondsPerRequest,
      measures.rssBytes / MIB,
      measures.failed,
    ]),
  );
}

function streamTable(rows) {
  return formatTable(
    ['case', 'clients', 'target', 'streams/s', 'first token p50 ms', 'added first token p50 ms', 'p50 ms', 'added p50 ms', 'added p99 ms', 'CPU µs/stream', 'failed'],
    forEachTarget(rows, (row, name, measures, added) => [
      row.caseId,
      row.concurrency,
      name,
      measures.requestsPerSecond,
      measures.firstEventP50Ms,
      added.firstEventP50Ms ?? Number.NaN,
      measures.p50Ms,
      added.p50Ms ?? Number.NaN,
      added.p99Ms ?? Number.NaN,
      measures.cpuMicrosecondsPerRequest,
      measures.failed,
    ]),
  );
}

function perChunkTable(perChunk) {
  return formatTable(
    ['scenario', 'clients', 'target', 'µs per chunk (slope)', 'µs per request / chunks'],
    perChunk.flatMap((entry) =>
      Object.entries(entry.targets).map(([name, costs]) => [entry.scenario, entry.concurrency, name, costs.slopeMicroseconds, costs.plainMicroseconds]),
    ),
  ).concat(
    `\n\nSlope: (CPU per stream of ${perChunk[0].manyChunks} chunks - of ${perChunk[0].fewChunks} chunks) / ${perChunk[0].manyChunks - perChunk[0].fewChunks}, paired per round; for direct it is the mock's own cost.`,
  );
}

function spreadTable(rows) {
  return formatTable(
    ['clients', 'target', 'median gap ms', 'share of gaps < 2 ms', 'data events per stream', 'held back'],
    rows.flatMap((row) =>
      Object.entries(row.spread).map(([name, verdict]) => [
        row.concurrency,
        name,
        verdict.medianGapMs,
        verdict.shareGapsUnder2Ms,
        row.targets[name].dataEventsPerStream,
        verdict.heldBack === null ? 'n/a' : verdict.heldBack ? 'YES' : 'no',
      ]),
    ),
  );
}

function workersTable(workers) {
  const pairs = [['Switchyard', workers], ...(workers.floor ? [['floor proxy', workers.floor]] : [])];
  const rows = pairs.flatMap(([name, pair]) => [
    [name, '1', workers.concurrency, pair.oneWorker.processCount, pair.oneWorker.requestsPerSecond, pair.oneWorker.cpuMicrosecondsPerRequest],
    [name, '2', workers.concurrency, pair.twoWorkers.processCount, pair.twoWorkers.requestsPerSecond, pair.twoWorkers.cpuMicrosecondsPerRequest],
  ]);
  const ratios = pairs.map(
    ([name, pair]) => `${name} ${formatNumber(pair.cpuRatio)} (rounds ${(pair.roundRatios ?? []).map((ratio) => formatNumber(ratio)).join(', ')})`,
  );
  return formatTable(['target', 'workers', 'clients per worker', 'processes in tree', 'req/s', 'CPU µs/req (tree)'], rows).concat(
    `\n\nCPU per request, 2 workers / 1 worker (paired per round): ${ratios.join('; ')}`,
  );
}

function storeTable(rows) {
  const measured = rows.filter((row) => row.targets.switchyard);
  if (measured.length === 0) return undefined;
  if (measured.every((row) => row.targets.switchyard.storeQueriesPerRequest === null)) {
    return 'not exposed (`switchyard_store_queries_total` is not in GET /metrics)';
  }
  const value = (number) => (typeof number === 'number' ? number : Number.NaN);
  const table = formatTable(
    ['case', 'clients', 'main-connection queries', 'settlement batches'],
    measured.map((row) => {
      const store = row.targets.switchyard.storeQueriesPerRequest;
      return [row.caseId, row.concurrency, value(store?.total), value(store?.settlementBatches)];
    }),
  );
  return (
    `${table}\n\nPer request completed, from the differences over each window of \`switchyard_store_queries_total\` ` +
    '(every query on the main database connection: background re-reads of balances and keys, twice a second whatever ' +
    'the load, so the figure falls as the load rises) and `switchyard_settlement_batches_total` (batches the settlement ' +
    'writer stored, on SQLite from a thread of its own). No query is made on the request path in steady state.'
  );
}

function memoryTable(peakRssBytes) {
  return formatTable(
    ['target', 'peak RSS MiB (VmHWM of the process tree, whole run)'],
    Object.entries(peakRssBytes).map(([name, bytes]) => [name, bytes / MIB]),
  );
}

function checksLine(results) {
  const { warnings, ledgerVerify, totalFailed } = results.checks;
  const ledger = Object.entries(ledgerVerify).map(([name, outcome]) => `${name} ${outcome === 'ok' ? 'ok' : 'FAILED'}`);
  return (
    `Failed requests during load: ${totalFailed}. Ledger verify: ${ledger.join(', ') || 'n/a'}.` +
    (warnings.length ? ` Warnings: ${warnings.join('; ')}.` : '')
  );
}

export function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(Number(value.toPrecision(3)));
}

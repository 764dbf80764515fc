// Medians over rounds of every measured window, what each proxy adds over direct-to-mock and the
// CPU ratios between targets (both paired within a round), the CPU cost of one forwarded chunk, and
// the workers comparison.
import { median } from './stats.js';

const MEDIAN_MEASURES = [
  'requestsPerSecond',
  'p50Ms',
  'p99Ms',
  'firstEventP50Ms',
  'firstEventP99Ms',
  'cpuMicrosecondsPerRequest',
  'medianGapMs',
  'shareGapsUnder2Ms',
  'dataEventsPerStream',
  'foreignCoreShare',
];
const MAXIMUM_MEASURES = ['rssBytes', 'processCount', 'upstreamInFlightPeak'];
const ADDED_MEASURES = ['p50Ms', 'p99Ms', 'firstEventP50Ms', 'firstEventP99Ms'];
/** The targets every other one's CPU per request is compared with. */
const CPU_BASELINES = ['floor', 'portkey'];
/** Chunks count as held back when this much larger a share of them arrives bunched than direct. */
const HELD_BACK_EXTRA_SHARE = 0.1;

/**
 * @param {Array<Record<string, any>>} runs one per (round, case, concurrency, target)
 * @param {import('./bench-scenarios.js').BenchCase[]} cases
 */
export function summarizeBench(runs, cases) {
  const rows = [];
  for (const benchCase of cases) {
    const concurrencies = [...new Set(runs.filter((run) => run.caseId === benchCase.id).map((run) => run.concurrency))];
    for (const concurrency of concurrencies) {
      const mine = runs.filter((run) => run.caseId === benchCase.id && run.concurrency === concurrency);
      const targetNames = [...new Set(mine.map((run) => run.target))];
      /** @type {Record<string, Record<string, any>>} */
      const targets = {};
      for (const name of targetNames) targets[name] = summarizeTarget(mine.filter((run) => run.target === name));
      /** @type {Record<string, Record<string, number>>} */
      const added = {};
      for (const name of targetNames) {
        if (name === 'direct' || !targets.direct) continue;
        added[name] = {};
        for (const measure of ADDED_MEASURES) added[name][measure] = pairedDifference(mine, name, 'direct', measure);
      }
      /** @type {Record<string, Record<string, { ratio: number, roundRatios: number[], ratioOfMedians: number }>>} */
      const cpuRatios = {};
      for (const name of targetNames.filter((candidate) => candidate !== 'direct')) {
        for (const baseline of CPU_BASELINES.filter((candidate) => candidate !== name && targets[candidate])) {
          cpuRatios[name] ??= {};
          cpuRatios[name][baseline] = pairedCpuRatio(mine, name, baseline, targets);
        }
      }
      const row = { scenario: benchCase.scenario, caseId: benchCase.id, concurrency, targets, added, cpuRatios };
      if (benchCase.delayMs) row.theoreticalRequestsPerSecond = (concurrency * 1000) / benchCase.delayMs;
      // Streams of two chunks are there for their first token; the spread is the long ones'.
      if (benchCase.paceMs && !benchCase.firstTokenOnly) row.spread = spreadVerdicts(targets, benchCase.paceMs);
      rows.push(row);
    }
  }
  return {
    rows,
    perChunk: perChunkCosts(runs, cases),
    workers: workersComparison(runs),
  };
}

function summarizeTarget(targetRuns) {
  /** @type {Record<string, any>} */
  const summary = { rounds: targetRuns.length };
  for (const measure of MEDIAN_MEASURES) summary[measure] = median(targetRuns.map((run) => run[measure]));
  for (const measure of MAXIMUM_MEASURES) summary[measure] = maximum(targetRuns.map((run) => run[measure]));
  const store = targetRuns.map((run) => run.storeQueriesPerRequest).filter(Boolean);
  summary.storeQueriesPerRequest = store.length
    ? Object.fromEntries(
        ['total', 'request', 'background', 'settlementBatches'].map((key) => {
          const values = store.map((value) => value[key]).filter((value) => value !== null);
          return [key, values.length ? median(values) : null];
        }),
      )
    : null;
  summary.completed = targetRuns.reduce((sum, run) => sum + run.completed, 0);
  summary.failed = targetRuns.reduce((sum, run) => sum + run.failed, 0);
  return summary;
}

/** Median over rounds of (a − b) for one measure, each difference taken within a round. */
function pairedDifference(runs, targetA, targetB, measure) {
  return median(perRound(runs, targetA, targetB, (a, b) => a[measure] - b[measure]));
}

/** `combine(a, b)` for each round that measured both targets, in the order of a's runs. */
function perRound(runs, targetA, targetB, combine) {
  const values = [];
  for (const run of runs.filter((candidate) => candidate.target === targetA)) {
    const other = runs.find((candidate) => candidate.target === targetB && candidate.round === run.round);
    if (other) values.push(combine(run, other));
  }
  return values;
}

const cpuRatio = (a, b) => a.cpuMicrosecondsPerRequest / b.cpuMicrosecondsPerRequest;

/**
 * CPU per request of one target over another's: the median over rounds of the ratio taken within
 * each round, as the workers comparison and the added latencies are paired. Windows of one round
 * are seconds apart; rounds are minutes apart, and on a virtual machine the same code's cost moves
 * by half between minutes, which the ratio of two medians taken from different windows carries.
 * The ratio of the medians is kept beside it.
 */
function pairedCpuRatio(runs, target, baseline, targets) {
  const roundRatios = perRound(runs, target, baseline, cpuRatio).filter(Number.isFinite);
  return {
    ratio: roundRatios.length ? median(roundRatios) : Number.NaN,
    roundRatios,
    ratioOfMedians: targets[target].cpuMicrosecondsPerRequest / targets[baseline].cpuMicrosecondsPerRequest,
  };
}

function spreadVerdicts(targets, paceMs) {
  const directShare = targets.direct?.shareGapsUnder2Ms ?? 0;
  /** @type {Record<string, { medianGapMs: number, shareGapsUnder2Ms: number, heldBack: boolean | null }>} */
  const verdicts = {};
  for (const [name, summary] of Object.entries(targets)) {
    const measured = Number.isFinite(summary.medianGapMs) && Number.isFinite(summary.shareGapsUnder2Ms);
    verdicts[name] = {
      medianGapMs: summary.medianGapMs,
      shareGapsUnder2Ms: summary.shareGapsUnder2Ms,
      heldBack: measured
        ? summary.medianGapMs < paceMs / 2 || summary.shareGapsUnder2Ms > (Number.isFinite(directShare) ? directShare : 0) + HELD_BACK_EXTRA_SHARE
        : null,
    };
  }
  return verdicts;
}

/**
 * CPU per forwarded chunk: the same stream with many and with few chunks, at the same client
 * count, in the same round; the slope (cpu_many − cpu_few) / (many − few) leaves out the per-request
 * cost. Also the plain cpu_many / many.
 */
function perChunkCosts(runs, cases) {
  const results = [];
  const byScenario = new Map();
  for (const benchCase of cases.filter((candidate) => candidate.stream && candidate.chunks && !candidate.paceMs)) {
    const list = byScenario.get(benchCase.scenario) ?? [];
    list.push(benchCase);
    byScenario.set(benchCase.scenario, list);
  }
  for (const [scenario, streamCases] of byScenario) {
    if (streamCases.length < 2) continue;
    const [many, few] = [...streamCases].sort((a, b) => b.chunks - a.chunks);
    const fewConcurrencies = new Set(runs.filter((run) => run.caseId === few.id).map((run) => run.concurrency));
    const concurrency = Math.max(...runs.filter((run) => run.caseId === many.id && fewConcurrencies.has(run.concurrency)).map((run) => run.concurrency));
    if (!Number.isFinite(concurrency)) continue;
    const targets = {};
    for (const target of many.targets) {
      const slopes = [];
      const plain = [];
      for (const manyRun of runs.filter((run) => run.caseId === many.id && run.concurrency === concurrency && run.target === target)) {
        plain.push(manyRun.cpuMicrosecondsPerRequest / many.chunks);
        const fewRun = runs.find((run) => run.caseId === few.id && run.concurrency === concurrency && run.target === target && run.round === manyRun.round);
        if (fewRun) slopes.push((manyRun.cpuMicrosecondsPerRequest - fewRun.cpuMicrosecondsPerRequest) / (many.chunks - few.chunks));
      }
      if (plain.length) targets[target] = { slopeMicroseconds: median(slopes), plainMicroseconds: median(plain) };
    }
    results.push({ scenario, manyChunks: many.chunks, fewChunks: few.chunks, concurrency, targets });
  }
  return results;
}

/**
 * CPU per request of the whole process tree, one worker against two, paired per round: Switchyard's,
 * and beside it the floor proxy's where the run measured it, which shows what a second worker costs
 * any Node proxy on the machine.
 */
function workersComparison(runs) {
  const mine = runs.filter((run) => run.caseId === 'workers');
  if (mine.length === 0) return null;
  const switchyard = workerPair(mine, 'switchyard', 'switchyard-workers-2');
  const floor = workerPair(mine, 'floor', 'floor-workers-2');
  return { concurrency: mine[0].concurrency, ...switchyard, floor: Number.isFinite(floor.cpuRatio) ? floor : null };
}

function workerPair(runs, oneWorkerTarget, twoWorkersTarget) {
  const ratios = perRound(runs, twoWorkersTarget, oneWorkerTarget, cpuRatio);
  const of = (target) => {
    const targetRuns = runs.filter((run) => run.target === target);
    return {
      cpuMicrosecondsPerRequest: median(targetRuns.map((run) => run.cpuMicrosecondsPerRequest)),
      requestsPerSecond: median(targetRuns.map((run) => run.requestsPerSecond)),
      processCount: maximum(targetRuns.map((run) => run.processCount)),
    };
  };
  return { oneWorker: of(oneWorkerTarget), twoWorkers: of(twoWorkersTarget), cpuRatio: median(ratios), roundRatios: ratios };
}

function maximum(values) {
  const finite = values.filter(Number.isFinite);
  return finite.length ? Math.max(...finite) : Number.NaN;
}

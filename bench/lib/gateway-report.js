// Turns the gateway-vs-direct runs into medians, the latency the gateway adds, and printable tables.
import { formatTable } from './format-table.js';
import { median } from './stats.js';

const MEASURES = [
  'requestsPerSecond',
  'p50Ms',
  'p99Ms',
  'firstEventP50Ms',
  'firstEventP99Ms',
  'cpuMicrosecondsPerRequest',
  'foreignCoreShare',
];

/**
 * @param {Array<Record<string, any>>} runs one entry per (round, scenario, concurrency, target)
 */
export function summarizeGatewayRuns(runs) {
  const keys = [...new Set(runs.map((run) => `${run.scenario}\u0000${run.concurrency}`))];
  return keys.map((key) => {
    const [scenario, concurrencyText] = key.split('\u0000');
    const concurrency = Number(concurrencyText);
    const mine = runs.filter((run) => run.scenario === scenario && run.concurrency === concurrency);
    const byTarget = (target) => {
      const targetRuns = mine.filter((run) => run.target === target);
      /** @type {Record<string, number>} */
      const medians = {};
      for (const measure of MEASURES) medians[measure] = median(targetRuns.map((run) => run[measure]));
      medians.failed = targetRuns.reduce((sum, run) => sum + run.failed, 0);
      medians.completed = targetRuns.reduce((sum, run) => sum + run.completed, 0);
      return medians;
    };
    // Differences are taken within a round (same machine state), then the median across rounds.
    const pairedDifference = (measure) => {
      const differences = [];
      for (const gatewayRun of mine.filter((run) => run.target === 'gateway')) {
        const directRun = mine.find((run) => run.target === 'direct' && run.round === gatewayRun.round);
        if (directRun) differences.push(gatewayRun[measure] - directRun[measure]);
      }
      return median(differences);
    };
    const gateway = byTarget('gateway');
    const direct = byTarget('direct');
    return {
      scenario,
      concurrency,
      gateway,
      direct,
      addedP50Ms: pairedDifference('p50Ms'),
      addedP99Ms: pairedDifference('p99Ms'),
      addedFirstEventP50Ms: pairedDifference('firstEventP50Ms'),
      gatewayThroughputShare: gateway.requestsPerSecond / direct.requestsPerSecond,
    };
  });
}

/** @param {ReturnType<typeof summarizeGatewayRuns>} summary */
export function formatGatewayTables(summary) {
  const perTarget = formatTable(
    ['scenario', 'clients', 'target', 'req/s', 'p50 ms', 'p99 ms', 'first event p50 ms', 'first event p99 ms', 'CPU us/req', 'other load', 'failed'],
    summary.flatMap((row) =>
      ['direct', 'gateway'].map((target) => {
        const measures = row[target];
        return [
          row.scenario,
          row.concurrency,
          target,
          measures.requestsPerSecond,
          measures.p50Ms,
          measures.p99Ms,
          measures.firstEventP50Ms,
          measures.firstEventP99Ms,
          target === 'gateway' ? measures.cpuMicrosecondsPerRequest : Number.NaN,
          measures.foreignCoreShare,
          measures.failed,
        ];
      }),
    ),
  );
  const added = formatTable(
    ['scenario', 'clients', 'added p50 ms', 'added p99 ms', 'added first event p50 ms', 'gateway req/s / direct'],
    summary.map((row) => [
      row.scenario,
      row.concurrency,
      row.addedP50Ms,
      row.addedP99Ms,
      row.addedFirstEventP50Ms,
      row.gatewayThroughputShare,
    ]),
  );
  return `${perTarget}\n\nadded by the gateway (gateway - direct, paired per round, median):\n\n${added}`;
}

// One measured window of one target on one case: load from the closed-loop generator, CPU of the
// target's process tree from the kernel (/proc), its resident memory, the requests the mock saw in
// flight at once, and for Switchyard its store queries (from /metrics).
import { withRealtimeClient } from './client-priority.js';
import { runLoad } from './load-loop.js';
import { processTreeCpuSeconds, processTreePids, processTreeResidentBytes } from './process-cpu.js';
import { median, summarizeSamples } from './stats.js';
import { scrapeStoreQueries, storeWorkPerRequest } from './store-metrics.js';

/** A gap under this between two events means they reached the client together. */
export const BUNCHED_GAP_MS = 2;

/**
 * @param {{ target: import('./bench-targets.js').BenchTarget, mock: import('./bench-targets.js').BenchTarget & { query: Function },
 *   load: { origin: string, request: import('./load-loop.js').LoadRequest }, concurrency: number, durationMs: number, warmupMs: number,
 *   measureCpu: boolean, probe: { begin: () => Promise<void>, end: () => Promise<number> } }} options
 */
export async function measureWindow({ target, mock, load, concurrency, durationMs, warmupMs, measureCpu, probe }) {
  // With several workers, /metrics answers for the one worker that took the scrape; not comparable.
  const isSwitchyard = target.name === 'switchyard';
  let storeBefore;
  let storeAfter;
  let cpuBefore = Number.NaN;
  let cpuAfter = Number.NaN;
  let foreignCoreShare = Number.NaN;
  let inFlightPeak = Number.NaN;
  // A stream's first token at one client is timed with the client never waiting for a core
  // (`client-priority.js`); everything else runs as it always has.
  const timesFirstToken = concurrency === 1 && load.request.stream === true;
  const runWindow = () => runLoad({
    ...load,
    concurrency,
    durationMs,
    // A window must hold at least one whole request, however slow the upstream.
    warmupMs,
    onMeasureStart: async () => {
      if (isSwitchyard) storeBefore = await scrapeStoreQueries(target.origin);
      await mock.query('in-flight');
      await probe.begin();
      if (measureCpu) cpuBefore = processTreeCpuSeconds(target.pid);
    },
    onMeasureEnd: async () => {
      if (measureCpu) cpuAfter = processTreeCpuSeconds(target.pid);
      foreignCoreShare = await probe.end();
      inFlightPeak = (await mock.query('in-flight')).peak;
      if (isSwitchyard) storeAfter = await scrapeStoreQueries(target.origin);
    },
  });
  const { result, realtime } = timesFirstToken ? await withRealtimeClient(runWindow) : { result: await runWindow(), realtime: false };
  const latency = summarizeSamples(result.latenciesMs);
  const firstEvent = summarizeSamples(result.firstEventMs);
  const gaps = result.gapsMs;
  const completed = result.completed;
  return {
    completed,
    failed: result.failed,
    firstFailure: result.firstFailure,
    requestsPerSecond: (completed / result.elapsedMs) * 1000,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    firstEventP50Ms: firstEvent.p50,
    firstEventP99Ms: firstEvent.p99,
    cpuSeconds: cpuAfter - cpuBefore,
    cpuMicrosecondsPerRequest: completed ? ((cpuAfter - cpuBefore) * 1e6) / completed : Number.NaN,
    rssBytes: measureCpu ? processTreeResidentBytes(target.pid) : Number.NaN,
    processCount: measureCpu ? processTreePids(target.pid).length : Number.NaN,
    upstreamInFlightPeak: inFlightPeak,
    medianGapMs: gaps.length ? median(gaps) : Number.NaN,
    shareGapsUnder2Ms: gaps.length ? gaps.filter((gap) => gap < BUNCHED_GAP_MS).length / gaps.length : Number.NaN,
    dataEventsPerStream: gaps.length && completed ? result.dataEvents / completed : Number.NaN,
    storeQueriesPerRequest: storeWorkPerRequest(storeBefore, storeAfter, completed),
    foreignCoreShare,
    realtimeClient: realtime,
  };
}

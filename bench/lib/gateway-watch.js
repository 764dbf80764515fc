// Watches the process under test while a bench runs: its RSS from /proc every `rssIntervalMs`, and
// its metrics every `metricsIntervalMs`: Switchyard's `/metrics` by default, or what `readMetrics`
// returns for a process without that endpoint. prom-client resets the event-loop delay histogram
// at each scrape, so each scrape's p99 covers the time since the previous scrape.
// Used by the many-streams and slow-store benches.
import { performance } from 'node:perf_hooks';
import { residentBytes } from './process-cpu.js';
import { metricValue, scrapeMetrics } from './prometheus-text.js';

/** The gauges and counters the benches report, when the build exposes them (else null). */
export function readWatchedMetrics(samples) {
  const seconds = (name) => {
    const value = metricValue(samples, name);
    return value === null ? null : value * 1000;
  };
  // An empty delay histogram (no sample since the last scrape) reads max 0: that window is unknown, not 0 ms.
  const loopMaxMs = seconds('switchyard_nodejs_eventloop_lag_max_seconds');
  const loopDelayEmpty = loopMaxMs === 0;
  const loopReading = (name) => (loopDelayEmpty ? null : seconds(name));
  return {
    loopDelayEmpty,
    loopDelayP99Ms: loopReading('switchyard_nodejs_eventloop_lag_p99_seconds'),
    loopDelayMaxMs: loopReading('switchyard_nodejs_eventloop_lag_max_seconds'),
    loopDelayP50Ms: loopReading('switchyard_nodejs_eventloop_lag_p50_seconds'),
    requestsInFlight: metricValue(samples, 'switchyard_http_requests_in_flight'),
    heapUsedBytes: metricValue(samples, 'switchyard_nodejs_heap_size_used_bytes'),
    storeQueriesTotal: metricValue(samples, 'switchyard_store_queries_total'),
    storeQueriesRequest: metricValue(samples, 'switchyard_store_queries_total', { phase: 'request' }),
    storeQueriesBackground: metricValue(samples, 'switchyard_store_queries_total', { phase: 'background' }),
    settlementQueueDepth: metricValue(samples, 'switchyard_settlement_queue_depth'),
    settlementSpilledTotal: metricValue(samples, 'switchyard_settlement_spilled_total'),
    settlementsQueued: metricValue(samples, 'switchyard_settlements_queued'),
    settlementsJournalOnly: metricValue(samples, 'switchyard_settlements_journal_only'),
    settlementsStoredTotal: metricValue(samples, 'switchyard_settlements_stored_total'),
    settlementBatchesTotal: metricValue(samples, 'switchyard_settlement_batches_total'),
    settlementBatchFailuresTotal: metricValue(samples, 'switchyard_settlement_batch_failures_total'),
  };
}

/** One scrape of Switchyard's `/metrics`, read into the watched readings. */
export async function scrapeWatchedMetrics(origin, timeoutMs) {
  return readWatchedMetrics(await scrapeMetrics(origin, timeoutMs));
}

/**
 * @param {{ pid: number, origin: string, rssIntervalMs: number, metricsIntervalMs: number,
 *   annotate?: () => Record<string, unknown>, readMetrics?: () => Promise<ReturnType<typeof readWatchedMetrics>> }} options
 *   `annotate` adds fields to each RSS sample
 */
export function startGatewayWatch(options) {
  const readMetrics =
    options.readMetrics ?? (() => scrapeWatchedMetrics(options.origin, Math.max(2_000, options.metricsIntervalMs * 2)));
  const startedAt = performance.now();
  /** @type {Array<{ atMs: number, rssBytes: number } & Record<string, unknown>>} */
  const rssSamples = [];
  /** @type {Array<{ atMs: number, scrapeMs: number } & ReturnType<typeof readWatchedMetrics>>} */
  const scrapes = [];
  const scrapeErrors = [];
  let scraping = false;

  const sampleRss = () => {
    rssSamples.push({ atMs: performance.now() - startedAt, rssBytes: residentBytes(options.pid), ...options.annotate?.() });
  };
  const scrape = async () => {
    // A stalled gateway must not pile up scrapes; one at a time.
    if (scraping) return;
    scraping = true;
    const begun = performance.now();
    try {
      const readings = await readMetrics();
      scrapes.push({ atMs: begun - startedAt, scrapeMs: performance.now() - begun, ...readings });
    } catch (error) {
      scrapeErrors.push({ atMs: begun - startedAt, error: error instanceof Error ? error.message : String(error) });
    } finally {
      scraping = false;
    }
  };
  sampleRss();
  const rssTimer = setInterval(sampleRss, options.rssIntervalMs);
  const metricsTimer = setInterval(() => void scrape(), options.metricsIntervalMs);

  return {
    startedAt,
    rssSamples,
    scrapes,
    scrapeErrors,
    /** Milliseconds since the watch started (the time base of every sample). */
    now: () => performance.now() - startedAt,
    /** Takes a last RSS sample and scrape, then stops. */
    async stop() {
      clearInterval(rssTimer);
      clearInterval(metricsTimer);
      sampleRss();
      while (scraping) await new Promise((resolve) => setTimeout(resolve, 20));
      await scrape();
    },
  };
}

/** Least-squares slope of `values` over `times`, per unit of time; NaN with fewer than two points. */
export function slope(times, values) {
  const count = times.length;
  if (count < 2) return Number.NaN;
  const meanTime = times.reduce((sum, value) => sum + value, 0) / count;
  const meanValue = values.reduce((sum, value) => sum + value, 0) / count;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < count; index += 1) {
    numerator += (times[index] - meanTime) * (values[index] - meanValue);
    denominator += (times[index] - meanTime) ** 2;
  }
  return denominator === 0 ? Number.NaN : numerator / denominator;
}

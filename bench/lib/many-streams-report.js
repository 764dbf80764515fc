// Turns one many-streams run (stream outcomes, RSS samples, metric scrapes) into the reported
// numbers and the pass/fail against the targets, and formats the summary table.
import { formatTable } from './format-table.js';
import { median, summarizeSamples } from './stats.js';

export const TARGETS = { rssKilobytesPerStream: 100, loopDelayP99Ms: 20, stalled: 0 };
/**
 * The gateway's lag metrics come from monitorEventLoopDelay sampling every 10 ms
 * (`EVENT_LOOP_SAMPLING_INTERVAL_MS` in src/observability/process-metrics.ts). Each sample is the
 * time between two of its timer callbacks, so it holds the interval itself plus the loop's delay:
 * an idle gateway reads about 10.4 ms at p99, and a task that blocks the loop for 15 ms reads up to
 * 25 ms. The delay judged against the target is the reading minus the interval, as Fastify's
 * under-pressure plugin computes it.
 */
export const LOOP_SAMPLING_INTERVAL_MS = 10;

const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);
const mebibytes = (bytes) => round(bytes / 2 ** 20, 1);

/** Up to `limit` distinct failure reasons with how often each occurred. */
function failureReasons(outcomes, limit = 5) {
  const counts = new Map();
  for (const outcome of outcomes) {
    if (outcome.ok) continue;
    // Numbers vary between streams of the same cause; group by the words.
    const reason = String(outcome.failure).replace(/\d+/g, 'N').slice(0, 160);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((left, right) => right[1] - left[1])
    .slice(0, limit)
    .map(([reason, count]) => ({ reason, count }));
}

/**
 * @param {{ streams: number, outcomes: import('./many-streams-client.js').StreamOutcome[],
 *   idleRssBytes: number, idleLoopDelayP99Ms: number | null,
 *   rssSamples: Array<{ atMs: number, rssBytes: number, open: number }>,
 *   scrapes: Array<ReturnType<typeof import('./gateway-watch.js').readWatchedMetrics> & { atMs: number }>,
 *   scrapeErrors: unknown[], holdWindow: { fromMs: number, toMs: number }, streamsEndedAtMs: number,
 *   gatewayCpuSeconds: number, wallSeconds: number, mock: unknown }} run
 */
export function summarizeRun(run) {
  const { outcomes, streams } = run;
  const okCount = outcomes.filter((outcome) => outcome.ok).length;
  const stalledCount = outcomes.filter((outcome) => outcome.stalled).length;

  // The hold: from one interval after the last stream was sent to one interval before the first
  // could end, counting only the samples where (nearly) as many streams were open as ever were, so
  // that streams still waiting to open do not dilute the figure.
  let holdSamples = run.rssSamples.filter((sample) => sample.atMs >= run.holdWindow.fromMs && sample.atMs <= run.holdWindow.toMs);
  const holdWindowEmpty = holdSamples.length === 0;
  if (holdWindowEmpty) holdSamples = run.rssSamples;
  const mostOpen = Math.max(...holdSamples.map((sample) => sample.open));
  holdSamples = holdSamples.filter((sample) => sample.open >= Math.floor(mostOpen * 0.99));
  const holdRss = holdSamples.map((sample) => sample.rssBytes);
  const openRssMedian = median(holdRss);
  const openRssPeak = Math.max(...holdRss);
  const openCounts = holdSamples.map((sample) => sample.open);
  const openDuringHold = median(openCounts);

  // Every scrape whose window overlaps the streams: the ramp, the hold and the endings.
  const streamingScrapes = run.scrapes.filter((scrape) => scrape.atMs > 0 && scrape.atMs <= run.streamsEndedAtMs + 5_000);
  const holdScrapes = run.scrapes.filter((scrape) => scrape.atMs >= run.holdWindow.fromMs && scrape.atMs <= run.holdWindow.toMs);
  const p99s = (list) => list.map((scrape) => scrape.loopDelayP99Ms).filter((value) => value !== null);
  const loopP99Max = p99s(streamingScrapes).length ? Math.max(...p99s(streamingScrapes)) : Number.NaN;
  const loopDelayP99Max = loopP99Max - LOOP_SAMPLING_INTERVAL_MS;
  const loopMax = streamingScrapes.map((scrape) => scrape.loopDelayMaxMs).filter((value) => value !== null);

  const kilobytesPerStreamMedian = (openRssMedian - run.idleRssBytes) / 1024 / openDuringHold;
  const kilobytesPerStreamPeak = (openRssPeak - run.idleRssBytes) / 1024 / openDuringHold;
  const firstEvent = summarizeSamples(outcomes.map((outcome) => outcome.firstEventMs).filter(Number.isFinite));
  const gaps = summarizeSamples(outcomes.map((outcome) => outcome.maxGapMs));

  const allOpen = mostOpen >= streams;
  const pass = {
    rssPerStream: Number.isFinite(kilobytesPerStreamPeak) && kilobytesPerStreamPeak <= TARGETS.rssKilobytesPerStream,
    // A window without any delay sample cannot show the target was met.
    loopDelayP99: Number.isFinite(loopDelayP99Max) && loopDelayP99Max <= TARGETS.loopDelayP99Ms && !streamingScrapes.some((scrape) => scrape.loopDelayEmpty),
    noneStalled: stalledCount === TARGETS.stalled,
    allComplete: okCount === streams,
  };
  return {
    streams,
    completed: okCount,
    failed: streams - okCount,
    stalled: stalledCount,
    failureReasons: failureReasons(outcomes),
    rss: {
      idleMiB: mebibytes(run.idleRssBytes),
      openMedianMiB: mebibytes(openRssMedian),
      openPeakMiB: mebibytes(openRssPeak),
      kilobytesPerStreamMedian: round(kilobytesPerStreamMedian, 1),
      kilobytesPerStreamPeak: round(kilobytesPerStreamPeak, 1),
      holdSamples: holdSamples.length,
      holdWindowMs: holdWindowEmpty ? null : [Math.round(run.holdWindow.fromMs), Math.round(run.holdWindow.toMs)],
      // Per stream = (RSS - idle) / the streams open in those samples (their median).
      streamsOpenDuringHold: { min: Math.min(...openCounts), median: openDuringHold, max: Math.max(...openCounts) },
      allStreamsOpenDuringHold: allOpen,
    },
    loopDelay: {
      // The readings as the metric gives them, the 10 ms sampling interval included.
      idleP99Ms: round(run.idleLoopDelayP99Ms ?? Number.NaN),
      p99MaxMs: round(loopP99Max),
      // The loop's own delay, judged against the target: the reading minus the sampling interval.
      p99MaxBeyondSamplingIntervalMs: round(loopDelayP99Max),
      p99MedianBeyondSamplingIntervalMs: round(median(p99s(streamingScrapes)) - LOOP_SAMPLING_INTERVAL_MS),
      p99MedianMs: round(median(p99s(streamingScrapes))),
      holdP99MaxMs: p99s(holdScrapes).length ? round(Math.max(...p99s(holdScrapes))) : null,
      holdP99MaxBeyondSamplingIntervalMs: p99s(holdScrapes).length ? round(Math.max(...p99s(holdScrapes)) - LOOP_SAMPLING_INTERVAL_MS) : null,
      maxMs: loopMax.length ? round(Math.max(...loopMax)) : null,
      scrapes: streamingScrapes.length,
      emptyWindows: streamingScrapes.filter((scrape) => scrape.loopDelayEmpty).length,
      slowestScrapeMs: streamingScrapes.length ? Math.round(Math.max(...streamingScrapes.map((scrape) => scrape.scrapeMs))) : null,
      scrapeErrors: run.scrapeErrors.length,
    },
    cpu: {
      gatewaySeconds: round(run.gatewayCpuSeconds),
      averageCores: round(run.gatewayCpuSeconds / run.wallSeconds, 3),
      microsecondsPerStreamSecond: round((run.gatewayCpuSeconds * 1e6) / (streams * run.wallSeconds), 1),
    },
    firstEventMs: { p50: round(firstEvent.p50), p99: round(firstEvent.p99), max: round(firstEvent.max) },
    longestSilenceMs: { p50: round(gaps.p50), p99: round(gaps.p99), max: round(gaps.max) },
    mock: run.mock,
    pass: { ...pass, all: Object.values(pass).every(Boolean) },
  };
}

/** @param {ReturnType<typeof summarizeRun>[]} results */
export function formatManyStreamsTable(results) {
  const yes = (value) => (value ? 'pass' : 'FAIL');
  return formatTable(
    [
      'process', 'streams', 'ok', 'stalled', 'first event p50 ms', 'RSS idle MiB', 'RSS open MiB (peak)', 'KB/stream (peak)',
      'loop delay p99 max ms (reading)', 'while all open', 'cores', 'other load', 'targets',
    ],
    results.map((result) => [
      result.target ?? 'switchyard',
      result.streams,
      result.completed,
      result.stalled,
      result.firstEventMs.p50 ?? Number.NaN,
      result.rss.idleMiB ?? Number.NaN,
      `${result.rss.openMedianMiB} (${result.rss.openPeakMiB})`,
      `${result.rss.kilobytesPerStreamMedian} (${result.rss.kilobytesPerStreamPeak}) ${yes(result.pass.rssPerStream)}` +
        (result.rss.allStreamsOpenDuringHold ? '' : ` (${result.rss.streamsOpenDuringHold.median} open)`),
      `${result.loopDelay.p99MaxBeyondSamplingIntervalMs} (${result.loopDelay.p99MaxMs}) ${yes(result.pass.loopDelayP99)}`,
      result.loopDelay.holdP99MaxBeyondSamplingIntervalMs ?? Number.NaN,
      result.cpu.averageCores ?? Number.NaN,
      result.otherLoadCores ?? Number.NaN,
      result.pass.all ? 'pass' : 'FAIL',
    ]),
  );
}

// Cuts the slow-store timeline (requests, RSS samples, metric scrapes, journal sizes) into phases,
// and states the verdicts: memory bounded while the store is stalled, requests answered meanwhile,
// every answered request recorded once the store is back.
import { formatTable } from './format-table.js';
import { slope } from './gateway-watch.js';
import { median, summarizeSamples } from './stats.js';

const MIB = 2 ** 20;
const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/** How the verdicts are decided (written into the results next to them). */
export const VERDICT_RULES = {
  memoryBounded:
    'during the stall, RSS grows by at most 32 MiB over the baseline peak, or retained memory stopped growing once the ' +
    'settlement queue reached its cap (the first settlement kept only in the journal): the heap in use after a full ' +
    'collection forced through the inspector (heapAtCap: as soon as the cap is seen, every 5 s after, and when the ' +
    'stall ends; the stall goes on until the cap has held for 8 s, up to three times --stall-seconds) is at its last ' +
    'no higher than 1.1 times its first. Without two forced readings: the heap right after each full collection V8 ' +
    'made itself (a per-second reading at least 25 % below the one before) from the cap until the store caught up, ' +
    'with two such readings at least, is at its last no higher than 1.1 times its first; with fewer, the lowest heap ' +
    'reading in the last half of the stall is no higher than 1.1 times that of its first half. The gateway runs under ' +
    'the fixed heap ceiling of settings.gatewayHeapLimitMiB, so memory growing without bound would end it (see ' +
    'gatewayAliveAtEnd). A stall of seconds cannot prove a bound: read it with the settlement queue metrics and the ' +
    'journal size',
  keptAnswering: 'requests were answered during the stall, with no silence longer than 1 s between two answers',
  allRecorded: 'after the store came back and caught up, generations rows of the bench account = requests answered 200',
};

function within(values, fromMs, toMs) {
  return values.filter((entry) => entry.atMs >= fromMs && entry.atMs < toMs);
}

function maxOf(list, field) {
  const values = list.map((entry) => entry[field]).filter((value) => value !== null && value !== undefined && Number.isFinite(value));
  return values.length ? Math.max(...values) : null;
}

function minOf(list, field) {
  const values = list.map((entry) => entry[field]).filter((value) => value !== null && value !== undefined && Number.isFinite(value));
  return values.length ? Math.min(...values) : null;
}

/** Last reading minus first reading of a counter within the list; null when not exposed. */
function growth(list, field) {
  const readings = list.map((entry) => entry[field]).filter((value) => value !== null && value !== undefined);
  return readings.length >= 2 ? readings[readings.length - 1] - readings[0] : null;
}

function lastOf(list, field) {
  for (let index = list.length - 1; index >= 0; index -= 1) {
    const value = list[index][field];
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

/** Longest stretch of the phase without any request ending. */
function longestSilence(endTimes, fromMs, toMs) {
  let previous = fromMs;
  let longest = 0;
  for (const time of endTimes) {
    longest = Math.max(longest, time - previous);
    previous = time;
  }
  return Math.max(longest, toMs - previous);
}

function rssSlopeMiBPerSecond(samples) {
  return slope(samples.map((sample) => sample.atMs / 1000), samples.map((sample) => sample.rssBytes / MIB));
}

/**
 * @param {{ name: string, fromMs: number, toMs: number, otherLoadCores?: number }} phase
 * @param {{ sentAtMs: number[], endedAtMs: number[], statuses: number[] }} requests
 */
function summarizePhase(phase, requests, rssSamples, scrapes, journalSamples) {
  const { fromMs, toMs } = phase;
  const latencies = [];
  const endTimes = [];
  let started = 0;
  let answeredInPhase = 0;
  let failedInPhase = 0;
  for (let index = 0; index < requests.sentAtMs.length; index += 1) {
    const sent = requests.sentAtMs[index];
    const ended = requests.endedAtMs[index];
    const ok = requests.statuses[index] === 200;
    if (sent >= fromMs && sent < toMs) {
      started += 1;
      if (ok) latencies.push(ended - sent);
    }
    if (ended >= fromMs && ended < toMs) {
      endTimes.push(ended);
      if (ok) answeredInPhase += 1;
      else failedInPhase += 1;
    }
  }
  endTimes.sort((left, right) => left - right);
  const latency = summarizeSamples(latencies);
  const rss = within(rssSamples, fromMs, toMs);
  const half = fromMs + (toMs - fromMs) / 2;
  const phaseScrapes = within(scrapes, fromMs, toMs + 1);
  // Counters grow from the last reading before the phase.
  const previous = scrapes.filter((scrape) => scrape.atMs < fromMs).at(-1);
  const counterScrapes = previous ? [previous, ...phaseScrapes] : phaseScrapes;
  const seconds = (toMs - fromMs) / 1000;
  return {
    name: phase.name,
    seconds: round(seconds, 1),
    otherLoadCores: round(phase.otherLoadCores ?? Number.NaN, 3),
    requestsSent: started,
    answeredPerSecond: round(answeredInPhase / seconds, 1),
    failedInPhase,
    latencyMs: { p50: round(latency.p50), p99: round(latency.p99), max: round(latency.max), samples: latency.count },
    longestSilenceMs: round(longestSilence(endTimes, fromMs, toMs), 0),
    rss: {
      maxMiB: round((maxOf(rss, 'rssBytes') ?? Number.NaN) / MIB, 1),
      medianMiB: round(median(rss.map((sample) => sample.rssBytes)) / MIB, 1),
      slopeMiBPerSecond: round(rssSlopeMiBPerSecond(rss), 3),
      firstHalfSlopeMiBPerSecond: round(rssSlopeMiBPerSecond(rss.filter((sample) => sample.atMs < half)), 3),
      lastHalfSlopeMiBPerSecond: round(rssSlopeMiBPerSecond(rss.filter((sample) => sample.atMs >= half)), 3),
      samples: rss.length,
    },
    journalMaxBytes: maxOf(within(journalSamples, fromMs, toMs), 'bytes'),
    metrics: {
      loopDelayP99MaxMs: round(maxOf(phaseScrapes, 'loopDelayP99Ms') ?? Number.NaN),
      requestsInFlightMax: maxOf(phaseScrapes, 'requestsInFlight'),
      // The lowest heap reading approximates what survives garbage collection (RSS rarely shrinks).
      heapUsedMinMiB: round((minOf(phaseScrapes, 'heapUsedBytes') ?? Number.NaN) / MIB, 1),
      heapUsedMaxMiB: round((maxOf(phaseScrapes, 'heapUsedBytes') ?? Number.NaN) / MIB, 1),
      heapUsedMinFirstHalfMiB: round((minOf(within(phaseScrapes, fromMs, half), 'heapUsedBytes') ?? Number.NaN) / MIB, 1),
      heapUsedMinLastHalfMiB: round((minOf(within(phaseScrapes, half, toMs + 1), 'heapUsedBytes') ?? Number.NaN) / MIB, 1),
      settlementsQueuedMax: maxOf(phaseScrapes, 'settlementsQueued'),
      settlementQueueDepthMax: maxOf(phaseScrapes, 'settlementQueueDepth'),
      settlementSpilledTotalAtEnd: lastOf(phaseScrapes, 'settlementSpilledTotal'),
      settlementsJournalOnlyMax: maxOf(phaseScrapes, 'settlementsJournalOnly'),
      settlementsStoredInPhase: growth(counterScrapes, 'settlementsStoredTotal'),
      settlementBatchesInPhase: growth(counterScrapes, 'settlementBatchesTotal'),
      settlementBatchFailuresInPhase: growth(counterScrapes, 'settlementBatchFailuresTotal'),
      storeQueriesInPhase: growth(counterScrapes, 'storeQueriesTotal'),
      storeQueriesRequestInPhase: growth(counterScrapes, 'storeQueriesRequest'),
      storeQueriesBackgroundInPhase: growth(counterScrapes, 'storeQueriesBackground'),
      scrapes: phaseScrapes.length,
      slowestScrapeMs: round(maxOf(phaseScrapes, 'scrapeMs') ?? Number.NaN, 0),
    },
  };
}

/**
 * @param {{ phases: Array<{ name: string, fromMs: number, toMs: number }>, requests: { sentAtMs: number[], endedAtMs: number[], statuses: number[] },
 *   rssSamples: Array<{ atMs: number, rssBytes: number }>, scrapes: Array<Record<string, number | null> & { atMs: number }>,
 *   journalSamples: Array<{ atMs: number, bytes: number }> }} timeline
 */
export function summarizePhases(timeline) {
  return timeline.phases.map((phase) => summarizePhase(phase, timeline.requests, timeline.rssSamples, timeline.scrapes, timeline.journalSamples));
}

/** A per-second heap reading this much below the one before it follows a full collection. */
const COLLECTION_DROP = 0.75;

/**
 * The heap in use right after each full collection, once the settlement queue had reached its cap
 * (retained memory should stay flat from then on). The lowest reading of a window stands for the
 * same only when a collection happened in it, which V8 may put off for 20 s under a large heap.
 * @param {Array<{ atMs: number, heapUsedBytes?: number | null, settlementsQueued?: number | null }>} scrapes
 * @returns {{ atMs: number, heapUsedMiB: number }[]}
 */
export function heapAfterCollectionsOnceCapped(scrapes) {
  const readings = scrapes.filter((scrape) => Number.isFinite(scrape.heapUsedBytes));
  const cap = maxOf(readings, 'settlementsQueued');
  const cappedAt = cap === null ? undefined : readings.find((scrape) => scrape.settlementsQueued === cap)?.atMs;
  if (cappedAt === undefined) return [];
  const after = [];
  for (let index = 1; index < readings.length; index += 1) {
    const reading = readings[index];
    if (reading.atMs < cappedAt) continue;
    if (reading.heapUsedBytes <= COLLECTION_DROP * readings[index - 1].heapUsedBytes) {
      after.push({ atMs: reading.atMs, heapUsedMiB: round(reading.heapUsedBytes / MIB, 1) });
    }
  }
  return after;
}

/**
 * @param {ReturnType<typeof summarizePhases>} phases
 * @param {{ answered: number, recordedAfterCatchUp: number | null, recordedAfterStop: number | null, ledgerVerify: string, openHoldsAfterStop: number | null }} store
 * @param {{ atMs: number, heapUsedMiB: number }[]} afterCollections heap right after V8's own full collections, once capped
 * @param {{ atMs: number, retainedMiB: number }[]} forcedAtCap retained heap after forced full collections, once capped
 */
export function verdicts(phases, store, afterCollections = [], forcedAtCap = []) {
  const byName = Object.fromEntries(phases.map((phase) => [phase.name, phase]));
  const baseline = byName.baseline;
  const stalled = byName.stalled;
  const growthMiB = (stalled.rss.maxMiB ?? Number.NaN) - (baseline.rss.maxMiB ?? Number.NaN);
  let heapLevelled;
  if (forcedAtCap.length >= 2) {
    heapLevelled = forcedAtCap.at(-1).retainedMiB <= 1.1 * forcedAtCap[0].retainedMiB;
  } else if (afterCollections.length >= 2) {
    heapLevelled = afterCollections.at(-1).heapUsedMiB <= 1.1 * afterCollections[0].heapUsedMiB;
  } else {
    const heapFirstHalf = stalled.metrics.heapUsedMinFirstHalfMiB ?? Number.NaN;
    const heapLastHalf = stalled.metrics.heapUsedMinLastHalfMiB ?? Number.NaN;
    heapLevelled = Number.isFinite(heapFirstHalf) && Number.isFinite(heapLastHalf) && heapLastHalf <= 1.1 * heapFirstHalf;
  }
  return {
    memoryBounded: (Number.isFinite(growthMiB) && growthMiB <= 32) || heapLevelled,
    retainedHeapAtCapMiB: forcedAtCap.map((reading) => reading.retainedMiB).join(' / ') || 'queue not capped',
    heapAfterCollectionsOnceCappedMiB: afterCollections.map((reading) => reading.heapUsedMiB).join(' / ') || 'none seen',
    rssGrowthDuringStallMiB: round(growthMiB, 1),
    rssMaxOverWholeRunMiB: round(Math.max(...phases.map((phase) => phase.rss.maxMiB ?? 0)), 1),
    keptAnswering: stalled.answeredPerSecond > 0 && stalled.longestSilenceMs <= 1000,
    stallThroughputShareOfBaseline: round(stalled.answeredPerSecond / baseline.answeredPerSecond, 3),
    allRecorded: store.recordedAfterCatchUp === store.answered || store.recordedAfterStop === store.answered,
    recordedWithoutRestart: store.recordedAfterCatchUp === store.answered,
    ledgerVerified: store.ledgerVerify === 'ok',
    noOpenHoldsLeft: store.openHoldsAfterStop === 0,
  };
}

/** @param {ReturnType<typeof summarizePhases>} phases */
export function formatPhaseTable(phases) {
  return formatTable(
    ['phase', 's', 'answered/s', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'longest silence ms', 'RSS max MiB', 'RSS slope MiB/s', 'heap min MiB', 'queued max', 'loop p99 reading ms', 'other load'],
    phases.map((phase) => [
      phase.name,
      phase.seconds ?? Number.NaN,
      phase.answeredPerSecond ?? Number.NaN,
      phase.latencyMs.p50 ?? Number.NaN,
      phase.latencyMs.p99 ?? Number.NaN,
      phase.latencyMs.max ?? Number.NaN,
      phase.failedInPhase,
      phase.longestSilenceMs ?? Number.NaN,
      phase.rss.maxMiB ?? Number.NaN,
      phase.rss.slopeMiBPerSecond ?? Number.NaN,
      phase.metrics.heapUsedMinMiB ?? Number.NaN,
      phase.metrics.settlementQueueDepthMax ?? phase.metrics.settlementsQueuedMax ?? Number.NaN,
      phase.metrics.loopDelayP99MaxMs ?? Number.NaN,
      phase.otherLoadCores ?? Number.NaN,
    ]),
  );
}

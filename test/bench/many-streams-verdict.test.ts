import { describe, expect, it } from 'vitest';
import { benchModuleUrl } from './bench-module.js';
import { EVENT_LOOP_SAMPLING_INTERVAL_MS } from '../../src/observability/process-metrics.js';

// The many-streams bench's event-loop verdict, on metric readings whose delay is known.

const reportModule = benchModuleUrl('lib', 'many-streams-report.js');

interface Scrape {
  atMs: number;
  scrapeMs: number;
  loopDelayEmpty: boolean;
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
}

interface Summary {
  loopDelay: {
    p99MaxMs: number;
    p99MaxBeyondSamplingIntervalMs: number;
    p99MedianBeyondSamplingIntervalMs: number;
    holdP99MaxBeyondSamplingIntervalMs: number | null;
  };
  pass: { loopDelayP99: boolean; all: boolean };
}

interface Report {
  LOOP_SAMPLING_INTERVAL_MS: number;
  TARGETS: { loopDelayP99Ms: number };
  summarizeRun(run: unknown): Summary;
}

const STREAMS = 10;

/**
 * A run whose streams all completed, with these loop readings (ms, interval included), one scrape
 * every 2 s; all streams are open from `holdFromMs` to one scrape before the end.
 */
function run(readingsMs: Array<number | null>, holdFromMs = 1_000): unknown {
  const scrapes: Scrape[] = readingsMs.map((reading, index) => ({
    atMs: (index + 1) * 2_000,
    scrapeMs: 3,
    loopDelayEmpty: reading === null,
    loopDelayP99Ms: reading,
    loopDelayMaxMs: reading === null ? null : reading + 1,
  }));
  const endMs = readingsMs.length * 2_000;
  return {
    streams: STREAMS,
    outcomes: Array.from({ length: STREAMS }, () => ({ ok: true, stalled: false, firstEventMs: 4, maxGapMs: 1_001, failure: undefined })),
    idleRssBytes: 100 * 2 ** 20,
    idleLoopDelayP99Ms: 10.4,
    rssSamples: Array.from({ length: 20 }, (_, index) => ({ atMs: index * 500, rssBytes: 100.5 * 2 ** 20, open: STREAMS })),
    scrapes,
    scrapeErrors: [],
    holdWindow: { fromMs: holdFromMs, toMs: endMs - 1_000 },
    streamsEndedAtMs: endMs,
    gatewayCpuSeconds: 1,
    wallSeconds: endMs / 1000,
    mock: { streamsStillOpenAfterRun: 0, streamsServed: STREAMS },
  };
}

describe('many-streams loop delay verdict', async () => {
  const report = (await import(reportModule)) as Report;

  it('subtracts the interval the gateway samples the loop at', () => {
    expect(report.LOOP_SAMPLING_INTERVAL_MS).toBe(EVENT_LOOP_SAMPLING_INTERVAL_MS);
  });

  it('judges the delay beyond the sampling interval, and keeps the readings', () => {
    const summary = report.summarizeRun(run([10.4, 12.1, 25.3, 11.0]));
    expect(summary.loopDelay.p99MaxMs).toBe(25.3);
    expect(summary.loopDelay.p99MaxBeyondSamplingIntervalMs).toBeCloseTo(15.3, 5);
    expect(summary.loopDelay.p99MedianBeyondSamplingIntervalMs).toBeCloseTo(1.55, 5);
    expect(summary.pass.loopDelayP99).toBe(true);
    expect(summary.pass.all).toBe(true);
  });

  it('fails a window whose delay beyond the interval passes the target', () => {
    const reading = report.TARGETS.loopDelayP99Ms + EVENT_LOOP_SAMPLING_INTERVAL_MS + 0.5;
    const summary = report.summarizeRun(run([10.4, reading, 11.0]));
    expect(summary.loopDelay.p99MaxBeyondSamplingIntervalMs).toBeCloseTo(report.TARGETS.loopDelayP99Ms + 0.5, 5);
    expect(summary.pass.loopDelayP99).toBe(false);
    expect(summary.pass.all).toBe(false);
  });

  it('reads the windows while all streams are open apart from those while they open', () => {
    // Scrapes at 2, 4, 6, 8 and 10 s; the hold runs from 5 s to 9 s, so it holds the scrapes at 6 and 8 s.
    const summary = report.summarizeRun(run([31.0, 24.0, 17.5, 12.0, 11.0], 5_000));
    expect(summary.loopDelay.p99MaxBeyondSamplingIntervalMs).toBeCloseTo(21.0, 5);
    expect(summary.loopDelay.holdP99MaxBeyondSamplingIntervalMs).toBeCloseTo(7.5, 5);
    // The target stays judged on every window.
    expect(summary.pass.loopDelayP99).toBe(false);
  });

  it('fails when a window has no sample, however low the others read', () => {
    const summary = report.summarizeRun(run([10.4, null, 10.6]));
    expect(summary.pass.loopDelayP99).toBe(false);
  });
});

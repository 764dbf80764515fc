import { describe, expect, it } from 'vitest';
import { benchModuleUrl } from './bench-module.js';

// The slow-store bench's memory verdict, on per-second readings whose collections are known.

const reportModule = benchModuleUrl('lib', 'slow-store-report.js');

interface Scrape {
  atMs: number;
  heapUsedBytes: number;
  settlementsQueued: number;
}

interface Report {
  heapAfterCollectionsOnceCapped(scrapes: Scrape[]): { atMs: number; heapUsedMiB: number }[];
  verdicts(
    phases: unknown[],
    store: unknown,
    afterCollections?: { atMs: number; heapUsedMiB: number }[],
    forcedAtCap?: { atMs: number; retainedMiB: number }[],
  ): { memoryBounded: boolean; retainedHeapAtCapMiB: string };
}

const MIB = 1024 * 1024;

/** One reading a second: the heap climbs by `climbMiB` a second and falls to `floorsMiB[i]` at each collection. */
function readings(options: { fillSeconds: number; floorsMiB: number[]; climbMiB: number; secondsBetween: number }): Scrape[] {
  const scrapes: Scrape[] = [];
  let second = 0;
  let heap = 100;
  for (; second < options.fillSeconds; second += 1) {
    heap += options.climbMiB;
    scrapes.push({ atMs: second * 1000, heapUsedBytes: heap * MIB, settlementsQueued: Math.round((50_000 * (second + 1)) / options.fillSeconds) });
  }
  for (const floor of options.floorsMiB) {
    for (let step = 0; step < options.secondsBetween; step += 1, second += 1) {
      heap += options.climbMiB;
      scrapes.push({ atMs: second * 1000, heapUsedBytes: heap * MIB, settlementsQueued: 50_000 });
    }
    heap = floor;
    scrapes.push({ atMs: second * 1000, heapUsedBytes: heap * MIB, settlementsQueued: 50_000 });
    second += 1;
  }
  return scrapes;
}

const phases = [
  { name: 'baseline', rss: { maxMiB: 200 }, metrics: { heapUsedMinFirstHalfMiB: 100, heapUsedMinLastHalfMiB: 100 } },
  // The halves rule alone would call this growing: no collection fell in the stall's last half.
  { name: 'stalled', rss: { maxMiB: 700 }, answeredPerSecond: 9_000, longestSilenceMs: 10, metrics: { heapUsedMinFirstHalfMiB: 180, heapUsedMinLastHalfMiB: 340 } },
];
const store = { answered: 1, recordedAfterCatchUp: 1, recordedAfterStop: 1, ledgerVerify: 'ok', openHoldsAfterStop: 0 };

describe('slow-store memory verdict', () => {
  it('reads the heap right after each full collection once the queue is at its cap', async () => {
    const report = (await import(reportModule)) as Report;
    const after = report.heapAfterCollectionsOnceCapped(readings({ fillSeconds: 5, floorsMiB: [182, 177, 183], climbMiB: 25, secondsBetween: 12 }));
    expect(after.map((reading) => reading.heapUsedMiB)).toEqual([182, 177, 183]);
    expect(report.verdicts(phases, store, after).memoryBounded).toBe(true);
  });

  it('calls memory unbounded when what survives collections keeps growing', async () => {
    const report = (await import(reportModule)) as Report;
    const after = report.heapAfterCollectionsOnceCapped(readings({ fillSeconds: 5, floorsMiB: [180, 260, 340], climbMiB: 25, secondsBetween: 12 }));
    expect(after.map((reading) => reading.heapUsedMiB)).toEqual([180, 260, 340]);
    expect(report.verdicts(phases, store, after).memoryBounded).toBe(false);
  });

  it('ignores collections before the queue reached its cap, and falls back to the halves with fewer than two', async () => {
    const report = (await import(reportModule)) as Report;
    const filling: Scrape[] = [
      { atMs: 0, heapUsedBytes: 200 * MIB, settlementsQueued: 10_000 },
      { atMs: 1000, heapUsedBytes: 90 * MIB, settlementsQueued: 30_000 },
      { atMs: 2000, heapUsedBytes: 300 * MIB, settlementsQueued: 50_000 },
      { atMs: 3000, heapUsedBytes: 190 * MIB, settlementsQueued: 50_000 },
    ];
    const after = report.heapAfterCollectionsOnceCapped(filling);
    expect(after).toEqual([{ atMs: 3000, heapUsedMiB: 190 }]);
    expect(report.verdicts(phases, store, after).memoryBounded).toBe(false);
  });

  it('decides by the forced readings at the cap when there are two or more, whatever V8 collected by itself', async () => {
    const report = (await import(reportModule)) as Report;
    const growingOwnCollections = report.heapAfterCollectionsOnceCapped(readings({ fillSeconds: 5, floorsMiB: [180, 260, 340], climbMiB: 25, secondsBetween: 12 }));
    const level = [
      { atMs: 21_000, retainedMiB: 88.4 },
      { atMs: 26_000, retainedMiB: 91 },
      { atMs: 29_000, retainedMiB: 90.2 },
    ];
    const bounded = report.verdicts(phases, store, growingOwnCollections, level);
    expect(bounded.memoryBounded).toBe(true);
    expect(bounded.retainedHeapAtCapMiB).toBe('88.4 / 91 / 90.2');
    const growing = [
      { atMs: 21_000, retainedMiB: 88 },
      { atMs: 26_000, retainedMiB: 97.5 },
    ];
    expect(report.verdicts(phases, store, [], growing).memoryBounded).toBe(false);
    expect(report.verdicts(phases, store, [], [{ atMs: 21_000, retainedMiB: 88 }]).memoryBounded).toBe(false);
  });
});

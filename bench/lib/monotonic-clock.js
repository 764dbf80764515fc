// One clock for every bench process on the machine: CLOCK_MONOTONIC (`process.hrtime`), which all
// processes share, so that a time read in the load generator can be set against one read in the
// mock upstream. `performance.now()` counts on the same clock from the process's own origin.
import { performance } from 'node:perf_hooks';

/** Milliseconds on the machine's monotonic clock. */
export function monotonicMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The monotonic reading less `performance.now()`'s, taken between two `performance.now()` readings
 * as close together as a few tries give: a single pair of calls can be microseconds apart (the
 * first calls run cold), which the way back of an answer straight from the mock (about 45 µs)
 * would feel.
 */
function measurePerformanceOffsetMs() {
  let best = { spanMs: Number.POSITIVE_INFINITY, offsetMs: 0 };
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const before = performance.now();
    const monotonic = monotonicMs();
    const after = performance.now();
    if (after - before < best.spanMs) best = { spanMs: after - before, offsetMs: monotonic - (before + after) / 2 };
  }
  return best.offsetMs;
}

const performanceOffsetMs = measurePerformanceOffsetMs();

/** A `performance.now()` reading of this process, on the machine's monotonic clock. */
export function performanceToMonotonicMs(performanceMs) {
  return performanceMs + performanceOffsetMs;
}

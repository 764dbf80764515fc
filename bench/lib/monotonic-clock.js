// One clock for every bench process on the machine: CLOCK_MONOTONIC (`process.hrtime`), which all
// processes share, so that a time read in the load generator can be set against one read in the
// mock upstream. `performance.now()` counts on the same clock from the process's own origin.
import { performance } from 'node:perf_hooks';

/** Milliseconds on the machine's monotonic clock. */
export function monotonicMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

const performanceOffsetMs = monotonicMs() - performance.now();

/** A `performance.now()` reading of this process, on the machine's monotonic clock. */
export function performanceToMonotonicMs(performanceMs) {
  return performanceMs + performanceOffsetMs;
}

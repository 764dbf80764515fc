import { latencyBin, latencyBinCount, quantileOfBins } from './latency-histogram.js';

interface Bucket {
  /** Which slice of time (now / bucketMs) the counts belong to; stale slices are reset on reuse. */
  slice: number;
  attempts: number;
  failures: number;
  latency: Uint32Array;
  timeToFirstToken: Uint32Array;
}

export interface WindowSummary {
  attempts: number;
  failures: number;
  /** failures / attempts; null without attempts in the window. */
  errorRate: number | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  timeToFirstTokenP50Ms: number | null;
  timeToFirstTokenP95Ms: number | null;
}

/**
 * Outcomes and latencies of the last `bucketCount × bucketMs` of traffic, kept in a ring of time
 * buckets. Recording touches one bucket (constant time, no allocation); old buckets simply stop
 * counting once their slice of time has passed.
 */
export class RollingWindow {
  private readonly buckets: Bucket[];

  constructor(
    private readonly bucketMs = 30_000,
    private readonly bucketCount = 10,
  ) {
    this.buckets = Array.from({ length: bucketCount }, () => ({
      slice: -1,
      attempts: 0,
      failures: 0,
      latency: new Uint32Array(latencyBinCount),
      timeToFirstToken: new Uint32Array(latencyBinCount),
    }));
  }

  get spanMs(): number {
    return this.bucketMs * this.bucketCount;
  }

  /** An attempt that ended; the latency of successful ones feeds the percentiles. */
  recordAttempt(now: number, failed: boolean, latencyMs: number | null): void {
    const bucket = this.bucketAt(now);
    bucket.attempts++;
    if (failed) bucket.failures++;
    else if (latencyMs !== null) bucket.latency[latencyBin(latencyMs)]!++;
  }

  recordTimeToFirstToken(now: number, milliseconds: number): void {
    this.bucketAt(now).timeToFirstToken[latencyBin(milliseconds)]!++;
  }

  summary(now: number): WindowSummary {
    const current = Math.floor(now / this.bucketMs);
    const latency = new Uint32Array(latencyBinCount);
    const timeToFirstToken = new Uint32Array(latencyBinCount);
    let attempts = 0;
    let failures = 0;
    for (const bucket of this.buckets) {
      if (bucket.slice < 0 || current - bucket.slice >= this.bucketCount || bucket.slice > current) continue;
      attempts += bucket.attempts;
      failures += bucket.failures;
      for (let bin = 0; bin < latencyBinCount; bin++) {
        latency[bin]! += bucket.latency[bin]!;
        timeToFirstToken[bin]! += bucket.timeToFirstToken[bin]!;
      }
    }
    return {
      attempts,
      failures,
      errorRate: attempts === 0 ? null : failures / attempts,
      latencyP50Ms: quantileOfBins(latency, 0.5),
      latencyP95Ms: quantileOfBins(latency, 0.95),
      timeToFirstTokenP50Ms: quantileOfBins(timeToFirstToken, 0.5),
      timeToFirstTokenP95Ms: quantileOfBins(timeToFirstToken, 0.95),
    };
  }

  private bucketAt(now: number): Bucket {
    const slice = Math.floor(now / this.bucketMs);
    const bucket = this.buckets[slice % this.bucketCount]!;
    if (bucket.slice !== slice) {
      bucket.slice = slice;
      bucket.attempts = 0;
      bucket.failures = 0;
      bucket.latency.fill(0);
      bucket.timeToFirstToken.fill(0);
    }
    return bucket;
  }
}

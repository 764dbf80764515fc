/**
 * Answered requests by route and status, and their durations by route, kept as plain numbers and
 * written in Prometheus' text format when scraped. prom-client's labelled metrics hash their label
 * values into a key on every call, about 0.5 µs a request for the counter and the histogram
 * together; here a request costs two map lookups and a few additions. The text is the one
 * prom-client writes for a counter and a histogram of the same names (a test compares them).
 */

interface RouteTotals {
  readonly answeredByStatus: Map<number, number>;
  /** Observations per bucket, not cumulative; the last counts those above every bound. */
  readonly inBucket: number[];
  sum: number;
  count: number;
}

export interface AnsweredRequestsOptions {
  readonly countName: string;
  readonly countHelp: string;
  readonly durationName: string;
  readonly durationHelp: string;
  /** Upper bounds in seconds, ascending. */
  readonly buckets: readonly number[];
}

export class AnsweredRequests {
  private readonly byRoute = new Map<string, RouteTotals>();

  constructor(private readonly options: AnsweredRequestsOptions) {}

  record(route: string, status: number, seconds: number): void {
    let totals = this.byRoute.get(route);
    if (totals === undefined) {
      totals = { answeredByStatus: new Map(), inBucket: new Array<number>(this.options.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.byRoute.set(route, totals);
    }
    totals.answeredByStatus.set(status, (totals.answeredByStatus.get(status) ?? 0) + 1);
    const buckets = this.options.buckets;
    let bucket = 0;
    while (bucket < buckets.length && seconds > buckets[bucket]!) bucket += 1;
    totals.inBucket[bucket]! += 1;
    totals.sum += seconds;
    totals.count += 1;
  }

  /** The counter's block, a blank line, the histogram's block; no final newline. */
  render(): string {
    const { countName, countHelp, durationName, durationHelp, buckets } = this.options;
    const counts = [`# HELP ${countName} ${escapeHelp(countHelp)}`, `# TYPE ${countName} counter`];
    const durations = [`# HELP ${durationName} ${escapeHelp(durationHelp)}`, `# TYPE ${durationName} histogram`];
    for (const [route, totals] of this.byRoute) {
      const routeLabel = `route="${escapeLabelValue(route)}"`;
      for (const [status, answered] of totals.answeredByStatus) counts.push(`${countName}{${routeLabel},status="${status}"} ${answered}`);
      let cumulative = 0;
      for (const [index, bound] of buckets.entries()) {
        cumulative += totals.inBucket[index]!;
        durations.push(`${durationName}_bucket{le="${bound}",${routeLabel}} ${cumulative}`);
      }
      durations.push(`${durationName}_bucket{le="+Inf",${routeLabel}} ${totals.count}`);
      durations.push(`${durationName}_sum{${routeLabel}} ${totals.sum}`);
      durations.push(`${durationName}_count{${routeLabel}} ${totals.count}`);
    }
    return `${counts.join('\n')}\n\n${durations.join('\n')}`;
  }
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return escapeHelp(text).replace(/"/g, '\\"');
}

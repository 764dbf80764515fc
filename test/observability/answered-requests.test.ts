import { describe, expect, it } from 'vitest';
import { Counter, Histogram, Registry } from 'prom-client';
import { AnsweredRequests } from '../../src/observability/answered-requests.js';

const options = {
  countName: 'test_requests_total',
  countHelp: 'Requests answered, by route and status.',
  durationName: 'test_request_duration_seconds',
  durationHelp: 'Time to answer\nwith a second line and a \\ backslash.',
  buckets: [0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 30, 120],
};

/** prom-client's own counter and histogram of the same names, fed the same observations. */
function promClientPair() {
  const registry = new Registry();
  const counter = new Counter({ name: options.countName, help: options.countHelp, labelNames: ['route', 'status'], registers: [registry] });
  const histogram = new Histogram({ name: options.durationName, help: options.durationHelp, labelNames: ['route'], buckets: options.buckets, registers: [registry] });
  return {
    registry,
    record(route: string, status: number, seconds: number) {
      counter.inc({ route, status: String(status) });
      histogram.observe({ route }, seconds);
    },
  };
}

/** Each metric family's lines, HELP and TYPE first, the samples in any order. */
function families(text: string): string[][] {
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const lines = block.split('\n');
      return [...lines.slice(0, 2), ...lines.slice(2).sort()];
    });
}

describe('AnsweredRequests', () => {
  it('writes what prom-client writes for the same observations', async () => {
    const answered = new AnsweredRequests(options);
    const reference = promClientPair();
    const routes = ['/v1/chat/completions', '/v1/messages', 'unmatched', '/odd "route"\\with\nbreaks'];
    const statuses = [200, 200, 200, 400, 404, 429, 502];
    let seed = 5;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let count = 0; count < 3_000; count += 1) {
      const route = routes[Math.floor(random() * routes.length)]!;
      const status = statuses[Math.floor(random() * statuses.length)]!;
      // Durations on the bounds themselves too: a bucket counts values up to and including its bound.
      const seconds = random() < 0.1 ? options.buckets[Math.floor(random() * options.buckets.length)]! : random() ** 3 * 200;
      answered.record(route, status, seconds);
      reference.record(route, status, seconds);
    }
    expect(families(answered.render())).toEqual(families(await reference.registry.metrics()));
  });

  it('writes the two families with no samples before the first request', async () => {
    expect(new AnsweredRequests(options).render()).toBe(
      `# HELP ${options.countName} ${options.countHelp}\n# TYPE ${options.countName} counter\n\n` +
        `# HELP ${options.durationName} Time to answer\\nwith a second line and a \\\\ backslash.\n# TYPE ${options.durationName} histogram`,
    );
    expect(families(new AnsweredRequests(options).render())).toEqual(families(await promClientPair().registry.metrics()));
  });
});

import { readdir } from 'node:fs/promises';
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * How often the event-loop lag metrics sample the loop (prom-client's default, stated here because
 * readers depend on it): each sample is the time between two timer callbacks this far apart, so an
 * idle loop reads about this much, and the loop's own delay is a reading minus this interval.
 */
export const EVENT_LOOP_SAMPLING_INTERVAL_MS = 10;

/**
 * prom-client's default process and Node.js metrics, minus the work that grows with the number of
 * open sockets and would stop the event loop at every scrape: at 10,000 sockets the open-descriptor
 * count (a synchronous listing of /proc/self/fd) and the per-type breakdowns of active handles and
 * resources (each a walk over every handle) took about 15 ms a scrape. The descriptors are counted
 * off the event loop instead, and the handle and resource totals stay.
 */
export function collectProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_INTERVAL_MS });
  for (const name of ['nodejs_active_handles', 'nodejs_active_resources']) registry.removeSingleMetric(prefix + name);
  const openDescriptors = prefix + 'process_open_fds';
  // Registered by prom-client only where /proc exists.
  if (registry.getSingleMetric(openDescriptors) === undefined) return;
  registry.removeSingleMetric(openDescriptors);
  new Gauge({
    name: openDescriptors,
    help: 'Number of open file descriptors.',
    registers: [registry],
    async collect() {
      try {
        // The listing's own descriptor is counted in it.
        this.set((await readdir('/proc/self/fd')).length - 1);
      } catch {
        // Left at its last value when /proc cannot be read.
      }
    },
  });
}

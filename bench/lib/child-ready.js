// Child side of the bench process protocol: a child announces its listening port over IPC and
// answers CPU usage queries, so the parent can attribute CPU time to exactly this process. With
// BENCH_LOOP_DELAY_RESOLUTION_MS set, it also keeps an event-loop delay histogram at that
// resolution and answers `loop-delay` queries with the readings since the previous one, so that a
// bench can watch a process without a metrics endpoint (the floor proxy) as it watches Switchyard's.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * @param {import('node:http').Server} server a listening server
 */
export function announceReady(server) {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  announcePort(port, () => server.closeAllConnections?.());
}

/**
 * The same for a server this process does not hold (one started by a library it loaded).
 * @param {number} port
 * @param {() => void} [beforeExit] runs on SIGTERM or SIGINT, before the process exits
 */
export function announcePort(port, beforeExit = () => {}) {
  if (typeof process.send === 'function') {
    const readLoopDelay = loopDelayReader();
    process.on('message', (message) => {
      if (message && typeof message === 'object' && message.type === 'cpu-usage') {
        process.send?.({ type: 'cpu-usage', id: message.id, usage: process.cpuUsage() });
      }
      if (message && typeof message === 'object' && message.type === 'loop-delay' && readLoopDelay) {
        process.send?.({ type: 'loop-delay', id: message.id, ...readLoopDelay() });
      }
    });
    // The parent going away must not leave this process behind.
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', port });
  } else {
    process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
  }
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      beforeExit();
      process.exit(0);
    });
  }
}

/**
 * Undefined unless BENCH_LOOP_DELAY_RESOLUTION_MS asks for a histogram; else a function that
 * returns the readings in milliseconds since its last call (count 0: no sample, nothing known).
 */
function loopDelayReader() {
  const resolutionMs = Number(process.env.BENCH_LOOP_DELAY_RESOLUTION_MS);
  if (!(resolutionMs >= 1)) return undefined;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return () => {
    const count = histogram.count;
    const milliseconds = (nanoseconds) => (count === 0 ? null : nanoseconds / 1e6);
    const readings = { count, p50Ms: milliseconds(histogram.percentile(50)), p99Ms: milliseconds(histogram.percentile(99)), maxMs: milliseconds(histogram.max) };
    histogram.reset();
    return readings;
  };
}

/** Port from `--port N` or `PORT`, else 0 (any free port). */
export function requestedPort() {
  const index = process.argv.indexOf('--port');
  const raw = index >= 0 ? process.argv[index + 1] : process.env.PORT;
  const port = Number(raw ?? 0);
  return Number.isInteger(port) && port >= 0 ? port : 0;
}

/** Upstream origin the proxies forward to. */
export function upstreamOrigin() {
  const origin = process.env.UPSTREAM_ORIGIN;
  if (!origin) {
    process.stderr.write('UPSTREAM_ORIGIN is required (e.g. http://127.0.0.1:9000)\n');
    process.exit(2);
  }
  return origin;
}

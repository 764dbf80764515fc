// A closed-loop load that runs until told to stop, across phases (load-loop.js runs fixed windows
// and waits for its requests at each window's end, which a frozen store would stretch). Every
// request is kept as (sent, ended, status), so the report can cut the timeline into phases.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * @param {{ origin: string, concurrency: number, request: import('./load-loop.js').LoadRequest,
 *   requestTimeoutMs: number, timeBase: number }} options `timeBase`: performance.now() of time 0
 */
export function startContinuousLoad(options) {
  const pool = new Pool(options.origin, {
    connections: options.concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: options.requestTimeoutMs,
    bodyTimeout: options.requestTimeoutMs,
  });
  /** Per request, in order of completion: times in ms since timeBase, HTTP status (0: no answer). */
  const sentAtMs = [];
  const endedAtMs = [];
  const statuses = [];
  const failures = new Map();
  const counters = { inFlight: 0, answered: 0, failed: 0 };
  let stopping = false;

  const client = async () => {
    while (!stopping) {
      const sent = performance.now();
      counters.inFlight += 1;
      let status = 0;
      try {
        const response = await pool.request({
          method: 'POST',
          path: options.request.path,
          headers: options.request.headers,
          body: options.request.body,
        });
        const text = await response.body.text();
        status = response.statusCode;
        if (status !== 200) noteFailure(`HTTP ${status}: ${text.slice(0, 160)}`);
      } catch (error) {
        noteFailure(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        // A refused connection fails at once; do not spin the CPU the gateway needs.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      counters.inFlight -= 1;
      if (status === 200) counters.answered += 1;
      else counters.failed += 1;
      sentAtMs.push(sent - options.timeBase);
      endedAtMs.push(performance.now() - options.timeBase);
      statuses.push(status);
    }
  };
  const noteFailure = (reason) => {
    const key = reason.replace(/\d+/g, 'N');
    failures.set(key, (failures.get(key) ?? 0) + 1);
  };
  const clients = Array.from({ length: options.concurrency }, client);

  return {
    counters,
    requests: { sentAtMs, endedAtMs, statuses },
    failures,
    /** Stops sending; resolves once every request in flight has ended. */
    async stop() {
      stopping = true;
      await Promise.all(clients);
      await pool.close().catch(() => pool.destroy());
    },
  };
}

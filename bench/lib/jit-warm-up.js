// Unmeasured load on every target before the first measured window, so that the windows see each
// process in the steady state a long-running one is in. A larger code base takes longer to reach
// it: traced with `--trace-opt`, Switchyard under one client spent 180 ms compiling with TurboFan
// between 5 and 13 s after its start (about 15 µs of CPU per request), and 30 ms in the 8 s after
// 22 s (about 2 µs); under 64 clients it was still compiling (147 ms) after 11 s. The bare floor
// proxy is warm after a few hundred requests. From a cold start, the first round's windows would
// charge that compilation to the larger targets.
import { runLoad } from './load-loop.js';
import { requestFor } from './bench-targets.js';

/** Cases whose requests take a second or more warm little in a few seconds; they are left out. */
const SLOW_UPSTREAM_MS = 1_000;
const MAX_WARM_UP_CLIENTS = 64;

/**
 * Runs `durationMs` of closed-loop load on each target of each case (not on the mock itself),
 * cases in order, at the case's highest client count up to 64.
 * @param {{ cases: Array<import('./bench-scenarios.js').BenchCase & { concurrencies: number[], targets: string[] }>,
 *   targets: Record<string, any>, mockOrigin: string, durationMs: number, log: (line: string) => void }} options
 * @returns {Promise<number>} requests that failed during the warm-up
 */
export async function warmUpTargets({ cases, targets, mockOrigin, durationMs, log }) {
  if (durationMs <= 0) return 0;
  let failed = 0;
  for (const benchCase of cases) {
    if ((benchCase.delayMs ?? 0) >= SLOW_UPSTREAM_MS) continue;
    const clients = Math.min(Math.max(...benchCase.concurrencies), MAX_WARM_UP_CLIENTS);
    for (const name of benchCase.targets) {
      if (name === 'direct') continue;
      const target = targets[name];
      const concurrency = benchCase.clientsPerWorker ? clients * (target.workers ?? 1) : clients;
      const result = await runLoad({ ...requestFor(target, benchCase, mockOrigin), concurrency, durationMs });
      failed += result.failed;
      log(`  warm-up ${benchCase.id} ${name}: ${result.completed} requests in ${(durationMs / 1000).toFixed(0)} s at ${concurrency} clients`);
    }
  }
  return failed;
}

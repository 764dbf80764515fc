// The processes the many-streams bench opens its streams through: Switchyard (`switchyard serve`,
// watched through its `/metrics`) and the floor proxy (bench/floor-proxy.js, the least a Node
// proxy of chat streams can do, watched through the loop-delay probe of bench/lib/child-ready.js).
// Both run the same ramp against the same paced mock, so a reading Switchyard misses can be set
// beside what the bare proxy reads on the same machine in the same run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchChild, stopChild } from './child-processes.js';
import { startGateway } from './gateway-setup.js';
import { readWatchedMetrics, scrapeWatchedMetrics } from './gateway-watch.js';
import { LOOP_SAMPLING_INTERVAL_MS } from './many-streams-report.js';

const benchDirectory = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const MANY_STREAMS_TARGETS = ['switchyard', 'floor'];

/**
 * @typedef {object} ManyStreamsTarget
 * @property {string} name
 * @property {number} pid
 * @property {string} origin
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} logTail
 * @property {() => Promise<ReturnType<typeof readWatchedMetrics>>} readMetrics the readings since the previous call
 */

/**
 * @param {string} name one of MANY_STREAMS_TARGETS
 * @param {{ binPath: string, environment: Record<string, string>, directory: string, upstreamOrigin: string }} context
 * @returns {Promise<ManyStreamsTarget>}
 */
export async function startManyStreamsTarget(name, context) {
  if (name === 'switchyard') {
    const gateway = await startGateway(context.binPath, context.environment, context.directory);
    return {
      name,
      pid: gateway.pid,
      origin: gateway.origin,
      child: gateway.child,
      logTail: gateway.logTail,
      readMetrics: () => scrapeWatchedMetrics(gateway.origin, 4_000),
    };
  }
  if (name === 'floor') {
    const floor = await startBenchChild(path.join(benchDirectory, 'floor-proxy.js'), {
      name: 'floor proxy',
      env: { UPSTREAM_ORIGIN: context.upstreamOrigin, BENCH_LOOP_DELAY_RESOLUTION_MS: String(LOOP_SAMPLING_INTERVAL_MS) },
    });
    return {
      name,
      pid: floor.pid ?? 0,
      origin: floor.origin,
      child: floor.child,
      logTail: floor.outputTail,
      readMetrics: async () => floorReadings(await floor.query('loop-delay')),
    };
  }
  throw new Error(`unknown many-streams target "${name}" (known: ${MANY_STREAMS_TARGETS.join(', ')})`);
}

/** The probe's answer in the shape of Switchyard's readings; the floor has no gateway metric. */
function floorReadings(reading) {
  const empty = reading.count === 0;
  return {
    ...readWatchedMetrics([]),
    loopDelayEmpty: empty,
    loopDelayP99Ms: empty ? null : reading.p99Ms,
    loopDelayMaxMs: empty ? null : reading.maxMs,
    loopDelayP50Ms: empty ? null : reading.p50Ms,
  };
}

/** @param {ManyStreamsTarget} target */
export function stopManyStreamsTarget(target) {
  return stopChild(target.child, 10_000);
}

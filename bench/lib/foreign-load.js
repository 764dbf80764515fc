// Other work on the machine (a compiler, a test run) distorts a bench on few cores. Each measured
// window is checked for CPU time spent outside the bench's own processes, and re-run when it was busy.
import { machineBusySeconds, procAvailable } from './process-cpu.js';

/** A window is re-run when other processes used more than this share of one core during it. */
export const FOREIGN_LOAD_LIMIT = 0.25;
export const MAXIMUM_ATTEMPTS = 3;

/**
 * @param {() => Promise<number> | number} ownCpuSeconds CPU seconds of all the bench's processes so far
 */
export function createForeignLoadProbe(ownCpuSeconds) {
  const available = procAvailable();
  let start;
  return {
    async begin() {
      if (!available) return;
      start = { machine: machineBusySeconds(), own: await ownCpuSeconds(), at: performance.now() };
    },
    /** @returns {Promise<number>} share of one core used by other processes during the window (NaN without /proc) */
    async end() {
      if (!available || !start) return Number.NaN;
      const machine = machineBusySeconds() - start.machine;
      const own = (await ownCpuSeconds()) - start.own;
      const elapsedSeconds = (performance.now() - start.at) / 1000;
      // Tick granularity makes tiny negative values possible; they mean "none".
      return Math.max(0, (machine - own) / elapsedSeconds);
    },
  };
}

/** CPU seconds of the current process. */
export function ownProcessCpuSeconds() {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/**
 * Between windows the bench's own processes are idle, so machine-wide busy time is other work.
 * Waits (at most `maximumWaitMs`) until that stays under the limit for one half-second sample.
 * @returns {Promise<number>} the last sampled share of one core used by others
 */
export async function waitForQuietMachine(maximumWaitMs) {
  if (!procAvailable()) return Number.NaN;
  const giveUpAt = performance.now() + maximumWaitMs;
  let share = Number.NaN;
  do {
    const before = machineBusySeconds() - ownProcessCpuSeconds();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    share = (machineBusySeconds() - ownProcessCpuSeconds() - before) / ((performance.now() - startedAt) / 1000);
    if (share <= FOREIGN_LOAD_LIMIT) return share;
  } while (performance.now() < giveUpAt);
  return share;
}

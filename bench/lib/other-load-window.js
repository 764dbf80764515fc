// How busy the rest of the machine was during a long window: CPU time of every process minus the
// bench's own (this process, its children's trees, optionally every `postgres` process), as a share
// of one core. Long runs cannot be re-run on a quiet machine, so the number goes into the results.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { machineBusySeconds, procAvailable, processTreeCpuSeconds } from './process-cpu.js';

let ticksPerSecond;

function clockTicksPerSecond() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds of every process named `postgres` (the server and its backends). */
function postgresCpuSeconds() {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / clockTicksPerSecond();
}

/**
 * @param {() => number[]} benchPids the bench's child processes (each counted with its descendants)
 * @param {{ countPostgres?: boolean }} [options] count PostgreSQL's processes as the bench's own
 */
export function startOtherLoadWindow(benchPids, options = {}) {
  if (!procAvailable()) return { end: () => Number.NaN };
  const ownSeconds = () => {
    const usage = process.cpuUsage();
    let seconds = (usage.user + usage.system) / 1e6;
    for (const pid of benchPids()) {
      try {
        seconds += processTreeCpuSeconds(pid);
      } catch {
        // a child that already exited no longer counts on either side
      }
    }
    if (options.countPostgres) seconds += postgresCpuSeconds();
    return seconds;
  };
  const startedAt = performance.now();
  const machineAtStart = machineBusySeconds();
  const ownAtStart = ownSeconds();
  return {
    /** @returns {number} share of one core used by other processes since the start */
    end() {
      const elapsedSeconds = (performance.now() - startedAt) / 1000;
      const other = machineBusySeconds() - machineAtStart - (ownSeconds() - ownAtStart);
      return Math.max(0, other / elapsedSeconds);
    },
  };
}

// Real-time scheduling for the load generator while it times the first token of streams at one
// client. On this 2-core machine the mock writes an unpaced stream's 64 chunks in a burst of about
// 0.6 ms and the proxy forwards them as they come, so both cores are busy just when the first
// content reaches the client: a packet capture showed Switchyard's first content leaving the
// gateway 428 µs after the request (the floor proxy's 445), yet the client read it ~300 µs later
// than the floor's, having waited for a core (docs/performance.md). With the client's thread at
// SCHED_FIFO it runs as soon as the bytes arrive, for every target alike, and the number is the
// proxy's again. `chrt` (util-linux) sets it; without the right to (not root, no CAP_SYS_NICE) or
// off Linux, the window runs at normal priority and says so.
import { execFileSync } from 'node:child_process';

/** SCHED_FIFO's lowest priority: above every normal thread, below the kernel's own. */
const REALTIME_PRIORITY = '1';

/**
 * Runs `work` with this process's main thread (the load generator's, whose thread id is the process
 * id) at real-time priority, then back at normal priority. Resolves to its result and whether the
 * priority was raised.
 * @template T
 * @param {() => Promise<T>} work
 * @returns {Promise<{ result: T, realtime: boolean }>}
 */
export async function withRealtimeClient(work) {
  const realtime = setPolicy(['-f', '-p', REALTIME_PRIORITY]);
  try {
    return { result: await work(), realtime };
  } finally {
    if (realtime) setPolicy(['-o', '-p', '0']);
  }
}

/** @param {string[]} policy chrt's arguments before the thread id */
function setPolicy(policy) {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('chrt', [...policy, String(process.pid)], { stdio: 'ignore', timeout: 2_000 });
    return true;
  } catch {
    return false;
  }
}

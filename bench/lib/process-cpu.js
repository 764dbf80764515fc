// CPU time and memory of a process (and its descendants) from /proc, for processes that do not
// speak the bench's IPC protocol, such as the gateway under test.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicksPerSecond;

function ticksPerSecond() {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/**
 * @param {number | string} pid a process id, or `<pid>/task/<thread id>` for one thread
 * @returns {{ parentPid: number, cpuTicks: number } | undefined}
 */
function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: [0] state (field 3), [1] ppid (4), [11] utime (14), [12] stime (15).
  return { parentPid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

export function procAvailable() {
  return readStat(process.pid) !== undefined;
}

/**
 * `pid` and all its live descendants, with their CPU ticks so far.
 * @param {number} pid
 * @returns {{ pid: number, cpuTicks: number }[]}
 */
function processTree(pid) {
  const own = readStat(pid);
  if (!own) throw new Error(`process ${pid} is gone`);
  const childrenOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (!stat) continue;
    const list = childrenOf.get(stat.parentPid) ?? [];
    list.push({ pid: Number(entry), cpuTicks: stat.cpuTicks });
    childrenOf.set(stat.parentPid, list);
  }
  const tree = [{ pid, cpuTicks: own.cpuTicks }];
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop();
    for (const child of childrenOf.get(current) ?? []) {
      tree.push(child);
      pending.push(child.pid);
    }
  }
  return tree;
}

/**
 * User + system CPU seconds of `pid` and all its live descendants.
 * @param {number} pid
 */
export function processTreeCpuSeconds(pid) {
  let ticks = 0;
  for (const member of processTree(pid)) ticks += member.cpuTicks;
  return ticks / ticksPerSecond();
}

/** Ids of `pid` and all its live descendants (e.g. a primary and its workers). */
export function processTreePids(pid) {
  return processTree(pid).map((member) => member.pid);
}

/**
 * User + system CPU seconds of each live thread of `pid`, by thread id (the main thread's id is
 * `pid`). A thread that ended is missing, so compare readings of long-lived threads only.
 * @param {number} pid
 * @returns {Map<number, number>}
 */
export function threadCpuSeconds(pid) {
  const seconds = new Map();
  let threadIds;
  try {
    threadIds = readdirSync(`/proc/${pid}/task`);
  } catch {
    throw new Error(`process ${pid} is gone`);
  }
  for (const threadId of threadIds) {
    const stat = readStat(`${pid}/task/${threadId}`);
    if (stat) seconds.set(Number(threadId), stat.cpuTicks / ticksPerSecond());
  }
  return seconds;
}

/** Resident set size in bytes, or NaN when unavailable. */
export function residentBytes(pid) {
  return statusKilobytes(pid, 'VmRSS') * 1024;
}

/** The kernel's high-water mark of the resident set size (VmHWM) in bytes, or NaN. */
export function peakResidentBytes(pid) {
  return statusKilobytes(pid, 'VmHWM') * 1024;
}

/** Sum over the process tree of each member's resident set (`VmRSS`) or its peak (`VmHWM`). */
export function processTreeResidentBytes(pid, field = 'VmRSS') {
  let total = 0;
  for (const member of processTree(pid)) {
    const kilobytes = statusKilobytes(member.pid, field);
    if (Number.isFinite(kilobytes)) total += kilobytes;
  }
  return total * 1024;
}

function statusKilobytes(pid, field) {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds the whole machine spent busy (all cores, all processes), from /proc/stat. */
export function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
}

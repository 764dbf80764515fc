// The kernel's count of connections dropped because a listening socket's accept queue was full
// (TcpExt ListenOverflows, SyncookiesFailed). Machine-wide, so other work shows up too; a jump
// while thousands of streams open points at a listener that accepts too slowly or queues too few.
import { readFileSync } from 'node:fs';

const FIELDS = ['ListenOverflows', 'ListenDrops', 'SyncookiesSent', 'SyncookiesFailed'];

/** @returns {Record<string, number> | null} null when /proc/net/netstat is not readable */
export function readListenCounters() {
  let text;
  try {
    text = readFileSync('/proc/net/netstat', 'utf8');
  } catch {
    return null;
  }
  const lines = text.split('\n');
  for (let index = 0; index + 1 < lines.length; index += 2) {
    if (!lines[index].startsWith('TcpExt:')) continue;
    const names = lines[index].split(/\s+/);
    const values = lines[index + 1].split(/\s+/);
    /** @type {Record<string, number>} */
    const counters = {};
    for (const field of FIELDS) {
      const position = names.indexOf(field);
      if (position > 0) counters[field] = Number(values[position]);
    }
    return counters;
  }
  return null;
}

/** Growth of each counter between two readings; null when either is missing. */
export function listenCounterGrowth(before, after) {
  if (!before || !after) return null;
  return Object.fromEntries(Object.keys(before).map((field) => [field, (after[field] ?? Number.NaN) - before[field]]));
}

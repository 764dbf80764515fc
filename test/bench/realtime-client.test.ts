import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { benchModuleUrl } from './bench-module.js';

// One-client stream windows time the first token with the load generator at real-time priority,
// where the machine allows it; the report says in how many windows it did.

type RealtimeClient = <T>(work: () => Promise<T>) => Promise<{ result: T; realtime: boolean }>;

async function withRealtimeClient(): Promise<RealtimeClient> {
  return ((await import(benchModuleUrl('lib', 'client-priority.js'))) as { withRealtimeClient: RealtimeClient }).withRealtimeClient;
}

async function realtimeClientLine(runs: object[]): Promise<string> {
  const { realtimeClientLine: line } = (await import(benchModuleUrl('lib', 'markdown-report.js'))) as { realtimeClientLine: (runs: object[]) => string };
  return line(runs);
}

/** The main thread's scheduling policy (field 41 of /proc/<pid>/stat). */
function schedulingPolicy(): number {
  const stat = readFileSync(`/proc/${process.pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
}

const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});

describe('withRealtimeClient', () => {
  it('runs the work at normal priority and says so when chrt cannot be run', async () => {
    process.env.PATH = '/nonexistent';
    const run = await withRealtimeClient();
    await expect(run(async () => 42)).resolves.toEqual({ result: 42, realtime: false });
  });

  it.runIf(process.platform === 'linux')('puts the main thread under SCHED_FIFO for the work when it says so, and back after', async () => {
    const run = await withRealtimeClient();
    const { result: policyDuring, realtime } = await run(async () => schedulingPolicy());
    // 1 is SCHED_FIFO, 0 SCHED_OTHER; a machine that refuses the change leaves it at 0 and says so.
    expect(policyDuring).toBe(realtime ? 1 : 0);
    expect(schedulingPolicy()).toBe(0);
  });

  it('gives back the work failure, whatever the priority', async () => {
    const run = await withRealtimeClient();
    await expect(run(async () => Promise.reject(new Error('load failed')))).rejects.toThrow('load failed');
  });
});

describe('realtimeClientLine', () => {
  const window = (scenario: string, concurrency: number, realtimeClient: boolean) => ({ scenario, concurrency, realtimeClient });

  it('counts the one-client stream windows only', async () => {
    const line = await realtimeClientLine([
      window('stream', 1, true),
      window('stream-paced', 1, true),
      window('stream', 64, false),
      window('chat', 1, false),
    ]);
    expect(line).toContain('in 2 of 2');
    expect(line).not.toContain('could not');
  });

  it('says when some windows ran at normal priority', async () => {
    const line = await realtimeClientLine([window('stream', 1, true), window('stream-translated', 1, false)]);
    expect(line).toContain('in 1 of 2');
    expect(line).toContain('could not');
  });
});

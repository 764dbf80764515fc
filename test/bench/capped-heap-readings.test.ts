import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { benchModuleUrl } from './bench-module.js';

// The slow-store bench's forced heap readings: the inspector probe on a real child process, and
// the schedule that reads only once the settlement queue is at its cap.

const probeModule = benchModuleUrl('lib', 'inspector-heap-probe.js');
const readingsModule = benchModuleUrl('lib', 'slow-store-heap-readings.js');
const setupModule = benchModuleUrl('lib', 'gateway-setup.js');

interface Probe {
  retainedHeapBytes(): Promise<number>;
  close(): void;
}
interface ProbeModule {
  inspectorFlag(port: number): string;
  connectHeapProbe(port: number): Promise<Probe>;
}
interface ReadingsModule {
  startCappedHeapReadings(options: {
    probe: { retainedHeapBytes(): Promise<number> };
    elapsed: () => number;
    latestScrape: () => { settlementsJournalOnly: number } | undefined;
    intervalMs: number;
    pollMs?: number;
  }): {
    cappedForMs(): number;
    stop(): Promise<{ cappedAtMs: number | null; readings: { atMs: number; retainedMiB: number }[]; errors: string[] }>;
  };
}

const MIB = 2 ** 20;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const children: ReturnType<typeof spawn>[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

describe('inspector heap probe', () => {
  it('reads what a process retains after a full collection it forces, in a process that allocates nothing', { timeout: 30_000 }, async () => {
    const { inspectorFlag, connectHeapProbe } = (await import(probeModule)) as ProbeModule;
    const { findFreePort } = (await import(setupModule)) as { findFreePort(): Promise<number> };
    const port = await findFreePort();
    // 40 MiB held until a line on stdin lets it go; nothing allocates after, so only a forced
    // collection can show it gone.
    const script = `
      const mebibyte = (value) => new Array(1 << 17).fill(value + 0.5);
      let held = []; for (let i = 0; i < 40; i++) held.push(mebibyte(i));
      process.stdin.on('data', () => { held = null; process.stdout.write('dropped\\n'); });
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, [inspectorFlag(port), '-e', script], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.push(child);
    const probe = await connectHeapProbe(port);
    try {
      const holding = await probe.retainedHeapBytes();
      expect(holding).toBeGreaterThan(40 * MIB);
      const dropped = new Promise((resolve) => child.stdout!.once('data', resolve));
      child.stdin!.write('go\n');
      await dropped;
      const after = await probe.retainedHeapBytes();
      expect(after).toBeLessThan(holding - 35 * MIB);
    } finally {
      probe.close();
    }
  });
});

describe('heap readings at the settlement queue cap', () => {
  it('reads only once a settlement is kept in the journal alone, then at each interval and at the end', { timeout: 10_000 }, async () => {
    const { startCappedHeapReadings } = (await import(readingsModule)) as ReadingsModule;
    let journalOnly = 0;
    let retained = 100 * MIB;
    let reads = 0;
    const started = Date.now();
    const readings = startCappedHeapReadings({
      probe: {
        retainedHeapBytes: async () => {
          reads += 1;
          return retained;
        },
      },
      elapsed: () => Date.now() - started,
      latestScrape: () => ({ settlementsJournalOnly: journalOnly }),
      intervalMs: 100,
      pollMs: 10,
    });
    await sleep(150);
    expect(reads).toBe(0);
    expect(readings.cappedForMs()).toBe(0);
    journalOnly = 12;
    await sleep(50);
    expect(reads).toBe(1);
    retained = 101 * MIB;
    await sleep(180);
    expect(readings.cappedForMs()).toBeGreaterThanOrEqual(200);
    const result = await readings.stop();
    expect(result.cappedAtMs).toBeGreaterThanOrEqual(150);
    expect(result.errors).toEqual([]);
    expect(result.readings.length).toBeGreaterThanOrEqual(3);
    expect(result.readings[0]!.retainedMiB).toBe(100);
    expect(result.readings.at(-1)!.retainedMiB).toBe(101);
    const readsAtStop = reads;
    await sleep(150);
    expect(reads).toBe(readsAtStop);
  });

  it('takes no reading when the queue never reached its cap', async () => {
    const { startCappedHeapReadings } = (await import(readingsModule)) as ReadingsModule;
    let reads = 0;
    const readings = startCappedHeapReadings({
      probe: { retainedHeapBytes: async () => (reads += 1) },
      elapsed: () => 0,
      latestScrape: () => undefined,
      intervalMs: 10,
      pollMs: 5,
    });
    await sleep(60);
    const result = await readings.stop();
    expect(result).toEqual({ cappedAtMs: null, readings: [], errors: [] });
    expect(reads).toBe(0);
  });
});

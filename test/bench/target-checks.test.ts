import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript without declarations
import { evaluateTargets } from '../../bench/lib/target-checks.js';

interface Check {
  description: string;
  value: number;
  limitText?: string;
  pass: boolean | null;
}

function workersCheck(cpuRatio: number | undefined): Check {
  const workers = cpuRatio === undefined ? undefined : { cpuRatio, oneWorker: { processCount: 1 }, twoWorkers: { processCount: 3 } };
  const checks = evaluateTargets({ rows: [], perChunk: [], workers }) as Check[];
  const found = checks.find((check) => check.description.startsWith('SWITCHYARD_WORKERS=2'));
  if (!found) throw new Error('no workers check');
  return found;
}

describe('the SWITCHYARD_WORKERS=2 target', () => {
  it('is a band of 10 % either way around the one-worker figure, and says so', () => {
    expect(workersCheck(1.05)).toMatchObject({ value: 1.05, pass: true, limitText: '0.9 to 1.1 x' });
    expect(workersCheck(0.95).pass).toBe(true);
    expect(workersCheck(1.15).pass).toBe(false);
    expect(workersCheck(0.796).pass).toBe(false);
  });

  it('is not judged when the run did not measure it', () => {
    expect(workersCheck(undefined).pass).toBeNull();
  });
});

describe('the first token of a paced stream', () => {
  const row = (caseId: string, switchyard: number, floor: number) => ({
    caseId,
    concurrency: 1,
    added: { switchyard: { firstEventP50Ms: switchyard }, floor: { firstEventP50Ms: floor } },
  });
  const pacedCheck = (rows: object[]): Check & { note?: string } => {
    const checks = evaluateTargets({ rows, perChunk: [] }) as (Check & { note?: string })[];
    const found = checks.find((check) => check.description.startsWith('added time to first token, paced-20'));
    if (!found) throw new Error('no paced first-token check');
    return found;
  };

  it('is judged on the two-chunk streams, which give many first tokens a window, with the long streams and the floor beside', () => {
    const check = pacedCheck([row('paced-20', 1.6, 1.2), row('paced-20-first', 0.8, 0.5)]);
    expect(check).toMatchObject({ value: 0.8, pass: true });
    expect(check.description).toContain('2-chunk streams');
    expect(check.note).toBe('floor 0.50 ms; 64-chunk streams: 1.60 ms (floor 1.20)');
    expect(pacedCheck([row('paced-20', 1.6, 1.2), row('paced-20-first', 1.3, 0.5)]).pass).toBe(false);
  });

  it('falls back on the long streams in results that have no short ones', () => {
    const check = pacedCheck([row('paced-20', 0.9, 0.6)]);
    expect(check).toMatchObject({ value: 0.9, pass: true });
    expect(check.note).toBe('floor 0.60 ms');
  });
});

describe('the added latency at one client', () => {
  const latencyChecks = (added: object) => {
    const checks = evaluateTargets({ rows: [{ caseId: 'chat', concurrency: 1, added }], perChunk: [] }) as (Check & { note?: string })[];
    return checks.filter((check) => check.description.startsWith('chat added latency'));
  };

  it('is judged on Switchyard, with the floor proxy on the same bar beside it', () => {
    const [p50, p99] = latencyChecks({ switchyard: { p50Ms: 0.314, p99Ms: 2.46 }, floor: { p50Ms: 0.2826, p99Ms: 0.991 } });
    expect(p50).toMatchObject({ description: 'chat added latency p50 at 1 client', value: 0.314, pass: false, note: 'floor 0.283 ms' });
    expect(p99).toMatchObject({ description: 'chat added latency p99 at 1 client', value: 2.46, pass: false, note: 'floor 0.991 ms' });
    expect(latencyChecks({ switchyard: { p50Ms: 0.25, p99Ms: 0.9 } }).map((check) => [check.pass, check.note])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('is not judged when the run did not measure it', () => {
    const [p50] = latencyChecks({});
    expect(p50).toMatchObject({ pass: null, note: 'not measured in this run' });
  });
});

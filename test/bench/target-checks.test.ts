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

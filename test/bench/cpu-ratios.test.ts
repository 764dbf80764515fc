import { describe, expect, it } from 'vitest';
import { benchModuleUrl } from './bench-module.js';

// The CPU targets compare Switchyard with the floor proxy and Portkey window by window: each ratio
// is taken within a round, and the check is the median of the rounds, as the added latencies and
// the workers comparison are.

interface PairedRatio {
  ratio: number;
  roundRatios: number[];
  ratioOfMedians: number;
}

interface Row {
  caseId: string;
  concurrency: number;
  cpuRatios: Record<string, Record<string, PairedRatio>>;
}

interface Check {
  description: string;
  value: number;
  pass: boolean | null;
  note?: string;
}

type Summary = { rows: Row[]; perChunk: unknown[]; workers: unknown };

const chatCase = { id: 'chat', scenario: 'chat', concurrencies: [1], targets: ['direct', 'floor', 'switchyard', 'portkey'] };

function run(target: string, round: number, cpuMicrosecondsPerRequest: number) {
  return { caseId: 'chat', scenario: 'chat', concurrency: 1, target, round, cpuMicrosecondsPerRequest, p50Ms: 1, p99Ms: 2 };
}

async function summarize(runs: object[]): Promise<Summary> {
  const { summarizeBench } = (await import(benchModuleUrl('lib', 'bench-summary.js'))) as { summarizeBench: (runs: object[], cases: object[]) => Summary };
  return summarizeBench(runs, [chatCase]);
}

async function checks(summary: Summary): Promise<Check[]> {
  const { evaluateTargets } = (await import(benchModuleUrl('lib', 'target-checks.js'))) as { evaluateTargets: (summary: Summary) => Check[] };
  return evaluateTargets(summary);
}

// The machine is twice as fast in round 1 as in rounds 0 and 2; Switchyard costs 1.4 times the
// floor in every round. The medians of the two targets come from different rounds.
const drifting = [
  run('direct', 0, 60),
  run('floor', 0, 200),
  run('switchyard', 0, 280),
  run('portkey', 0, 2000),
  run('direct', 1, 30),
  run('floor', 1, 100),
  run('switchyard', 1, 140),
  run('portkey', 1, 1000),
  run('direct', 2, 60),
  run('floor', 2, 210),
  run('switchyard', 2, 294),
  run('portkey', 2, 2100),
];

describe('CPU ratios between targets', () => {
  it('are the median of the ratios taken within each round, with the ratio of the medians beside them', async () => {
    const summary = await summarize(drifting);
    const ratio = summary.rows[0]!.cpuRatios.switchyard!.floor!;
    expect(ratio.roundRatios.map((value) => Number(value.toFixed(3)))).toEqual([1.4, 1.4, 1.4]);
    expect(ratio.ratio).toBeCloseTo(1.4, 6);
    // Medians 280 and 200: from rounds 0 and 0 here, but not a paired figure in general.
    expect(ratio.ratioOfMedians).toBeCloseTo(280 / 200, 6);
    expect(summary.rows[0]!.cpuRatios.switchyard!.portkey!.ratio).toBeCloseTo(0.14, 6);
    expect(summary.rows[0]!.cpuRatios.floor!.portkey!.ratio).toBeCloseTo(0.1, 6);
    expect(summary.rows[0]!.cpuRatios.direct).toBeUndefined();
  });

  it('are not fooled by a drift that the medians of separate windows carry', async () => {
    // Switchyard measured in the slow minutes, the floor in the fast one: unpaired, 1.4 x would read 2.8 x.
    const skewed = [run('floor', 0, 100), run('switchyard', 0, 140), run('floor', 1, 100), run('switchyard', 1, 280), run('floor', 2, 200), run('switchyard', 2, 280)];
    const summary = await summarize(skewed);
    const ratio = summary.rows[0]!.cpuRatios.switchyard!.floor!;
    expect(ratio.roundRatios.map((value) => Number(value.toFixed(2)))).toEqual([1.4, 2.8, 1.4]);
    expect(ratio.ratio).toBeCloseTo(1.4, 6);
    expect(ratio.ratioOfMedians).toBeCloseTo(2.8, 6);
  });

  it('decide the CPU targets, and the check names the rounds', async () => {
    const found = await checks(await summarize(drifting));
    const floor = found.find((check) => check.description === 'chat CPU/request, Switchyard / floor proxy (1 client)');
    expect(floor).toMatchObject({ pass: true, note: 'rounds 1.40, 1.40, 1.40; ratio of the medians 1.40' });
    expect(floor!.value).toBeCloseTo(1.4, 6);
    const portkey = found.find((check) => check.description === 'chat CPU/request, Switchyard / Portkey (1 client)');
    expect(portkey!.pass).toBe(true);
    // Beside the bar on Portkey, what the bare floor proxy itself costs against Portkey.
    expect(portkey!.note).toBe("rounds 0.14, 0.14, 0.14; ratio of the medians 0.14; the floor proxy's own 0.100");

    const dearer = drifting.map((entry) => (entry.target === 'switchyard' ? { ...entry, cpuMicrosecondsPerRequest: entry.cpuMicrosecondsPerRequest * 1.2 } : entry));
    const failing = (await checks(await summarize(dearer))).find((check) => check.description === floor!.description);
    expect(failing!.pass).toBe(false);
    expect(failing!.value).toBeCloseTo(1.68, 6);
  });

  it('are not judged when a baseline was not measured', async () => {
    const found = await checks(await summarize(drifting.filter((entry) => entry.target !== 'portkey')));
    const portkey = found.find((check) => check.description === 'chat CPU/request, Switchyard / Portkey (1 client)');
    expect(portkey).toMatchObject({ pass: null, note: 'not measured in this run' });
  });
});

describe('the rounds a report names', () => {
  it('says which cases took more rounds than the run', async () => {
    const { roundsText } = (await import(benchModuleUrl('lib', 'markdown-report.js'))) as { roundsText: (settings: object) => string };
    expect(roundsText({ rounds: 3, cases: [{ id: 'chat', rounds: 7 }, { id: 'stream-64', rounds: 3 }] })).toBe('3 round(s) (chat: 7)');
    expect(roundsText({ rounds: 3, cases: [{ id: 'chat', rounds: 3 }] })).toBe('3 round(s)');
    expect(roundsText({ rounds: 1 })).toBe('1 round(s)');
  });
});

// The targets of the issue, each computed from this run's own numbers (ratios between targets
// measured in the same rounds), with pass or fail; null when the run did not measure it.

/**
 * @typedef {object} TargetCheck
 * @property {string} description
 * @property {number} value
 * @property {number} limit
 * @property {string} [limitText] how the limit reads when it is not an upper bound (a band)
 * @property {string} unit
 * @property {boolean | null} pass
 * @property {string} [note]
 */

function rowOf(summary, caseId, which) {
  const rows = summary.rows.filter((row) => row.caseId === caseId);
  if (rows.length === 0) return undefined;
  if (which === 'one') return rows.find((row) => row.concurrency === 1);
  return rows.reduce((best, row) => (row.concurrency > best.concurrency ? row : best));
}

function clientsText(row, which) {
  if (!row) return which === 'one' ? '1 client' : 'many clients';
  return `${row.concurrency} client${row.concurrency === 1 ? '' : 's'}`;
}

function check(description, value, limit, unit, passes = (number) => number <= limit) {
  const measured = typeof value === 'number' && Number.isFinite(value);
  return { description, value: measured ? value : Number.NaN, limit, unit, pass: measured ? passes(value) : null, ...(measured ? {} : { note: 'not measured in this run' }) };
}

/** A CPU ratio paired per round (bench-summary.js), with the rounds and the ratio of the medians in its note. */
function cpuRatioCheck(description, paired, limit) {
  const result = check(description, paired?.ratio, limit, 'x');
  if (paired && paired.roundRatios.length > 0) {
    result.note = `rounds ${paired.roundRatios.map((ratio) => ratio.toFixed(2)).join(', ')}; ratio of the medians ${paired.ratioOfMedians.toFixed(2)}`;
  }
  return result;
}

/**
 * A bar on Portkey's cost, with the floor proxy's own ratio to Portkey beside it: the bar is a
 * sixth of Portkey's cost in the same rounds, which can fall below what the bare floor costs.
 */
function portkeyRatioCheck(description, row) {
  const result = cpuRatioCheck(description, row?.cpuRatios?.switchyard?.portkey, 1 / 6);
  const floor = row?.cpuRatios?.floor?.portkey;
  if (floor && result.pass !== null) result.note += `; the floor proxy's own ${floor.ratio.toFixed(3)}`;
  return result;
}

/** An added latency at one client, with the floor proxy's beside it. */
function latencyCheck(row, measure, limit) {
  const result = check(`chat added latency ${measure === 'p50Ms' ? 'p50' : 'p99'} at 1 client`, row?.added?.switchyard?.[measure], limit, 'ms');
  const floor = row?.added?.floor?.[measure];
  if (result.pass !== null && Number.isFinite(floor)) result.note = `floor ${floor.toFixed(3)} ms`;
  return result;
}

/** The added time to the first token at one client, with the floor proxy's beside it. */
function firstTokenCheck(row, label) {
  const result = check(`added time to first token, ${label} at 1 client (p50)`, row?.added?.switchyard?.firstEventP50Ms, 1, 'ms');
  const floor = row?.added?.floor?.firstEventP50Ms;
  if (Number.isFinite(floor)) result.note = `floor ${floor.toFixed(2)} ms`;
  return result;
}

/**
 * @param {ReturnType<typeof import('./bench-summary.js').summarizeBench>} summary
 * @returns {TargetCheck[]}
 */
export function evaluateTargets(summary) {
  const checks = [];
  for (const which of ['many', 'one']) {
    const row = rowOf(summary, 'chat', which);
    const clients = clientsText(row, which);
    checks.push(cpuRatioCheck(`chat CPU/request, Switchyard / floor proxy (${clients})`, row?.cpuRatios?.switchyard?.floor, 1.5));
    checks.push(portkeyRatioCheck(`chat CPU/request, Switchyard / Portkey (${clients})`, row));
  }
  const chatOne = rowOf(summary, 'chat', 'one');
  checks.push(latencyCheck(chatOne, 'p50Ms', 0.3));
  checks.push(latencyCheck(chatOne, 'p99Ms', 1));
  const slope = (scenario) => summary.perChunk.find((entry) => entry.scenario === scenario)?.targets?.switchyard?.slopeMicroseconds;
  checks.push(check('streaming passthrough CPU per forwarded chunk', slope('stream'), 15, 'us'));
  checks.push(check('streaming translated CPU per forwarded chunk', slope('stream-translated'), 40, 'us'));
  checks.push(firstTokenCheck(rowOf(summary, 'stream-64', 'one'), 'stream-64'));
  // Paced, timed on the short streams (many first tokens a window), the long ones' figure beside.
  const pacedLong = rowOf(summary, 'paced-20', 'one');
  const pacedShort = rowOf(summary, 'paced-20-first', 'one');
  const paced = firstTokenCheck(pacedShort ?? pacedLong, pacedShort ? 'paced-20 (2-chunk streams)' : 'paced-20');
  const longAdded = pacedLong?.added?.switchyard?.firstEventP50Ms;
  if (pacedShort && Number.isFinite(longAdded)) {
    const long = `64-chunk streams: ${longAdded.toFixed(2)} ms (floor ${pacedLong.added.floor?.firstEventP50Ms?.toFixed(2) ?? 'n/a'})`;
    paced.note = [paced.note, long].filter(Boolean).join('; ');
  }
  checks.push(paced);
  for (const which of ['one', 'many']) {
    const row = rowOf(summary, 'paced-20', which);
    if (which === 'many' && row?.concurrency === 1) continue;
    const verdict = row?.spread?.switchyard;
    const result = check(
      `paced chunks not held back (${clientsText(row, which)}): share of gaps < 2 ms`,
      verdict?.shareGapsUnder2Ms,
      Number.NaN,
      'share',
      () => verdict?.heldBack === false,
    );
    if (verdict) result.note = `median gap ${verdict.medianGapMs.toFixed(1)} ms; direct share ${row.spread.direct?.shareGapsUnder2Ms?.toFixed(2) ?? 'n/a'}`;
    checks.push(result);
  }
  const workers = summary.workers;
  const workersCheck = check(
    'SWITCHYARD_WORKERS=2 CPU/request (process tree) / one worker, within 10%',
    workers?.cpuRatio,
    1.1,
    'x',
    (ratio) => Math.abs(ratio - 1) <= 0.1,
  );
  // Within 10 % either way: the bar is a band, not an upper bound.
  workersCheck.limitText = '0.9 to 1.1 x';
  if (workers) {
    workersCheck.note = `processes in the tree: ${workers.oneWorker.processCount} and ${workers.twoWorkers.processCount}`;
    if (workers.floor) workersCheck.note += `; the floor proxy's 2 workers / 1: ${workers.floor.cpuRatio.toFixed(3)}x`;
  }
  checks.push(workersCheck);
  return checks;
}

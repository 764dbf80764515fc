// Store work Switchyard does, from its Prometheus text at GET /metrics (answered on loopback):
// the counter `switchyard_store_queries_total` (summed over its series, and split by a `phase`
// label, "request" on the request's path or "background" behind it, when it has one) and
// `switchyard_settlement_batches_total` (batched writes behind the requests). Scraped before and
// after a measured window.

const STORE_QUERIES = 'switchyard_store_queries_total';
const SETTLEMENT_BATCHES = 'switchyard_settlement_batches_total';

/**
 * @typedef {object} StoreCounters
 * @property {number} total
 * @property {number | null} request null when the counter has no phase label
 * @property {number | null} background
 * @property {number | null} settlementBatches null when not exposed
 */

/**
 * @param {string} origin
 * @returns {Promise<StoreCounters | undefined>} undefined when the store query counter is not exposed
 */
export async function scrapeStoreQueries(origin) {
  let text;
  try {
    const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(5_000) });
    text = await response.text();
    if (!response.ok) return undefined;
  } catch {
    return undefined;
  }
  return parseStoreQueries(text);
}

/** @returns {StoreCounters | undefined} */
export function parseStoreQueries(text) {
  const queries = sumSeries(text, STORE_QUERIES);
  if (!queries) return undefined;
  const batches = sumSeries(text, SETTLEMENT_BATCHES);
  return {
    total: queries.total,
    request: queries.phases.has('request') ? queries.phases.get('request') : null,
    background: queries.phases.has('background') ? queries.phases.get('background') : null,
    settlementBatches: batches ? batches.total : null,
  };
}

/** Sum of a metric's series, and per value of its `phase` label; undefined when absent. */
function sumSeries(text, metric) {
  let total = 0;
  let seen = false;
  /** @type {Map<string, number>} */
  const phases = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric)) continue;
    const match = /^(\S+?)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== metric) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    seen = true;
    total += value;
    const phase = /(?:^|,)\s*phase="([^"]*)"/.exec(match[2] ?? '')?.[1];
    if (phase !== undefined) phases.set(phase, (phases.get(phase) ?? 0) + value);
  }
  return seen ? { total, phases } : undefined;
}

/**
 * Differences over a window, per completed request.
 * @param {StoreCounters | undefined} before
 * @param {StoreCounters | undefined} after
 * @param {number} completed
 */
export function storeWorkPerRequest(before, after, completed) {
  if (!before || !after || !completed) return null;
  const per = (key) => (before[key] === null || after[key] === null ? null : (after[key] - before[key]) / completed);
  return { total: per('total'), request: per('request'), background: per('background'), settlementBatches: per('settlementBatches') };
}

// Reads the gateway's Prometheus text (`GET /metrics`, loopback only) into plain numbers.
// Used by the many-streams and slow-store benches; a metric the build does not expose reads as null.

/**
 * @typedef {{ name: string, labels: Record<string, string>, value: number }} MetricSample
 */

/**
 * @param {string} origin
 * @param {number} [timeoutMs]
 * @returns {Promise<MetricSample[]>}
 */
export async function scrapeMetrics(origin, timeoutMs = 5_000) {
  const response = await fetch(`${origin}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}: ${text.slice(0, 200)}`);
  return parsePrometheusText(text);
}

/**
 * @param {string} text Prometheus text exposition format
 * @returns {MetricSample[]}
 */
export function parsePrometheusText(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    /** @type {Record<string, string>} */
    const labels = {};
    if (match[3]) {
      for (const pair of match[3].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

/**
 * Sum of the samples of `name` whose labels include `labels`; null when there is none.
 * @param {MetricSample[]} samples
 * @param {string} name
 * @param {Record<string, string>} [labels]
 * @returns {number | null}
 */
export function metricValue(samples, name, labels = {}) {
  let found = false;
  let sum = 0;
  for (const sample of samples) {
    if (sample.name !== name) continue;
    if (!Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) continue;
    found = true;
    sum += sample.value;
  }
  return found ? sum : null;
}

/** Names of every metric family present (without the histogram suffixes). */
export function metricNames(samples) {
  return [...new Set(samples.map((sample) => sample.name.replace(/_(bucket|sum|count)$/, '')))].sort();
}

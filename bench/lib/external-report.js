// Renders the results of a standalone scenario script without depending on its exact schema: the
// usual headline sections (summary, verdicts, results, phases, targets) as tables, each an array
// of rows (a few rows are shown as columns) or an object of values; failing those, its top-level
// values.
import { formatTable } from './format-table.js';

const HEADLINE_KEYS = ['summary', 'verdicts', 'results', 'phases', 'targets'];
/** Arrays of at most this many rows are shown transposed: one column per row, one line per field. */
const TRANSPOSE_ROWS = 4;
const SKIPPED_KEYS = new Set(['machine', 'settings', 'kind', 'runs', 'timeline']);
const MAXIMUM_COLUMNS = 10;
const MAXIMUM_ROWS = 40;

const isScalar = (value) => typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
const shown = (value) => (typeof value === 'boolean' ? String(value) : value);

/** Scalar fields of an object, nested objects flattened one level as `outer.inner`. */
function flatten(object) {
  /** @type {[string, string | number][]} */
  const entries = [];
  for (const [key, value] of Object.entries(object ?? {})) {
    if (isScalar(value)) entries.push([key, shown(value)]);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [innerKey, innerValue] of Object.entries(value)) {
        if (isScalar(innerValue)) entries.push([`${key}.${innerKey}`, shown(innerValue)]);
      }
    }
  }
  return entries;
}

/** @returns {[string, unknown][]} the sections worth showing, by name */
function headlineSections(results) {
  if (!results || typeof results !== 'object') return [];
  const named = HEADLINE_KEYS.filter((key) => key in results).map((key) => [key, results[key]]);
  if (named.length > 0) return named;
  return [['results', Object.fromEntries(Object.entries(results).filter(([key]) => !SKIPPED_KEYS.has(key)))]];
}

/** A name for a row: its `name`, else its first field and value ("streams 1000"). */
function rowLabel(row, index) {
  if (typeof row.name === 'string') return row.name;
  const [first] = flatten(row);
  return first ? `${first[0]} ${first[1]}` : String(index);
}

function sectionTable(value) {
  if (Array.isArray(value)) {
    const objects = value.filter((row) => row && typeof row === 'object').slice(0, MAXIMUM_ROWS);
    const rows = objects.map((row) => Object.fromEntries(flatten(row)));
    if (rows.length === 0) return undefined;
    const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    if (rows.length <= TRANSPOSE_ROWS) {
      const labels = objects.map(rowLabel);
      return formatTable(['measure', ...labels], fields.slice(0, MAXIMUM_ROWS).map((field) => [field, ...rows.map((row) => row[field] ?? '')]));
    }
    const columns = fields.slice(0, MAXIMUM_COLUMNS);
    return formatTable(columns, rows.map((row) => columns.map((column) => row[column] ?? '')));
  }
  const entries = flatten(value).slice(0, MAXIMUM_ROWS);
  return entries.length > 0 ? formatTable(['measure', 'value'], entries) : undefined;
}

/** @param {{ status: string, script: string, error?: string, results?: any }} outcome */
export function renderExternalResults(outcome) {
  if (outcome.status === 'missing') return `not run: ${outcome.script} does not exist.`;
  const parts = [];
  if (outcome.status === 'failed') parts.push(`FAILED: ${outcome.script} ${outcome.error}.`);
  if (outcome.results === undefined) return parts.join('\n\n');
  for (const [name, value] of headlineSections(outcome.results)) {
    const table = sectionTable(value);
    if (table) parts.push(`${name}:\n\n${table}`);
  }
  parts.push(`Full results: \`bench/results/${outcome.script.split('/').pop()?.replace(/\.js$/, '.json')}\`.`);
  return parts.join('\n\n');
}

/** A few short "name: value" lines for the chart, from the first headline section. */
export function externalHeadlines(outcome, count = 6) {
  if (outcome.status !== 'ok') return [outcome.status === 'missing' ? 'not run' : `failed: ${outcome.error ?? ''}`];
  const [first] = headlineSections(outcome.results);
  if (!first) return [];
  const value = first[1];
  const useful = ([, inner]) => typeof inner === 'number' || inner === 'true' || inner === 'false';
  const entries = Array.isArray(value)
    ? value
        .filter((row) => row && typeof row === 'object')
        .flatMap((row, index, rows) =>
          flatten(row)
            .slice(1)
            .filter(useful)
            .slice(0, Math.max(1, Math.floor(count / rows.length)))
            .map(([key, inner]) => [`${rowLabel(row, index)}: ${key}`, inner]),
        )
    : flatten(value).filter(useful);
  return entries
    .slice(0, count)
    .map(([key, inner]) => `${key}: ${typeof inner === 'number' && !Number.isInteger(inner) ? Number(inner.toPrecision(3)) : inner}`);
}

// A self-contained SVG chart of a bench run, readable on GitHub: horizontal bars of CPU per request
// per scenario and target, the latency added at one client, CPU per forwarded chunk, the targets
// with pass or fail, and a caption with the machine, the versions and the date.
import { externalHeadlines } from './external-report.js';
import { formatNumber, machineLine, roundsText } from './markdown-report.js';

const WIDTH = 980;
const LABEL_WIDTH = 250;
const BAR_AREA = 560;
const BAR_HEIGHT = 14;
const BAR_GAP = 4;
const COLORS = { floor: '#8a8f98', switchyard: '#2563eb', portkey: '#e8772e', direct: '#b9c0ca' };
const COMPARED = ['floor', 'switchyard', 'portkey'];
/** Cases drawn in the CPU panel (the 8-chunk cases only serve the per-chunk slope). */
const CPU_CASES = ['chat', 'chat-64k', 'slow-20', 'slow-1500', 'stream-64', 'translated-64', 'paced-20'];
const LATENCY_CASES = [
  ['chat', 'p50Ms', 'chat: added p50'],
  ['chat-64k', 'p50Ms', 'chat-64k: added p50'],
  ['stream-64', 'firstEventP50Ms', 'stream-64: added first token p50'],
  ['translated-64', 'firstEventP50Ms', 'translated-64: added first token p50'],
  ['paced-20', 'firstEventP50Ms', 'paced-20: added first token p50'],
  ['paced-20-first', 'firstEventP50Ms', 'paced-20, 2 chunks: added first token p50'],
];

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function createCanvas() {
  const parts = [];
  let y = 0;
  return {
    parts,
    get y() {
      return y;
    },
    advance(pixels) {
      y += pixels;
    },
    text(x, text, options = {}) {
      const size = options.size ?? 12;
      const weight = options.bold ? ' font-weight="bold"' : '';
      const fill = options.color ? ` fill="${options.color}"` : '';
      const anchor = options.anchor ? ` text-anchor="${options.anchor}"` : '';
      parts.push(`<text x="${x.toFixed(1)}" y="${(options.y ?? y).toFixed(1)}" font-size="${size}"${weight}${fill}${anchor}>${escapeXml(text)}</text>`);
    },
    rect(x, top, width, height, color) {
      parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${Math.max(0, width).toFixed(1)}" height="${height}" fill="${color}" rx="2"/>`);
    },
  };
}

/** Bars of one group, scaled to the group's largest value so that ratios read directly. */
function drawGroup(canvas, title, bars, unit) {
  canvas.advance(18);
  canvas.text(10, title, { bold: true });
  const largest = Math.max(...bars.map((bar) => (Number.isFinite(bar.value) ? bar.value : 0)), Number.EPSILON);
  for (const bar of bars) {
    canvas.advance(BAR_HEIGHT + BAR_GAP);
    const top = canvas.y - BAR_HEIGHT + 3;
    canvas.text(LABEL_WIDTH - 8, bar.label, { anchor: 'end', y: canvas.y });
    const length = Number.isFinite(bar.value) && bar.value > 0 ? (bar.value / largest) * BAR_AREA : 0;
    canvas.rect(LABEL_WIDTH, top, length, BAR_HEIGHT, COLORS[bar.label] ?? '#555');
    canvas.text(LABEL_WIDTH + length + 6, Number.isFinite(bar.value) ? `${formatNumber(bar.value)} ${unit}` : 'not measured', { y: canvas.y });
  }
}

function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** @param {Record<string, any>} results the object written to latest.json */
export function renderChart(results) {
  const { summary } = results;
  const canvas = createCanvas();
  canvas.advance(26);
  canvas.text(10, 'Switchyard gateway bench: floor proxy, Switchyard (everything on), Portkey gateway, same mock upstream', { size: 15, bold: true });
  for (const line of wrap(machineLine(results.machine), 150)) {
    canvas.advance(16);
    canvas.text(10, line, { size: 11, color: '#444' });
  }
  canvas.advance(16);
  canvas.text(
    10,
    `Medians of ${roundsText(results.settings)} x ${results.settings.durationMs / 1000} s windows, interleaved. CPU: utime+stime of each target's process tree (/proc). Bars within a group share one scale.`,
    { size: 11, color: '#444' },
  );
  canvas.advance(20);
  let legendX = 10;
  for (const name of COMPARED) {
    canvas.rect(legendX, canvas.y - 10, 12, 12, COLORS[name]);
    canvas.text(legendX + 16, name);
    legendX += 110;
  }

  const highest = (caseId) =>
    summary.rows.filter((row) => row.caseId === caseId).reduce((best, row) => (!best || row.concurrency > best.concurrency ? row : best), undefined);
  const clientsOf = (row) => `${row.concurrency} client${row.concurrency === 1 ? '' : 's'}`;
  const cpuRows = CPU_CASES.map(highest).filter(Boolean);
  if (cpuRows.length > 0) {
    canvas.advance(30);
    canvas.text(10, 'CPU per request, microseconds (lower is better)', { size: 14, bold: true });
    for (const row of cpuRows) {
      const bars = COMPARED.filter((name) => row.targets[name]).map((name) => ({ label: name, value: row.targets[name].cpuMicrosecondsPerRequest }));
      drawGroup(canvas, `${row.caseId}, ${clientsOf(row)}`, bars, 'µs');
    }
  }

  const latencyRows = LATENCY_CASES.map(([caseId, measure, title]) => [summary.rows.find((row) => row.caseId === caseId && row.concurrency === 1), measure, title]).filter(
    ([row]) => row,
  );
  if (latencyRows.length > 0) {
    canvas.advance(30);
    canvas.text(10, 'Latency added over direct-to-mock at 1 client, milliseconds (lower is better)', { size: 14, bold: true });
    for (const [row, measure, title] of latencyRows) {
      const bars = COMPARED.filter((name) => row.added[name]).map((name) => ({ label: name, value: row.added[name][measure] }));
      drawGroup(canvas, title, bars, 'ms');
    }
  }

  if (summary.perChunk.length > 0) {
    canvas.advance(30);
    canvas.text(10, 'CPU per forwarded chunk, microseconds: (CPU of a 64-chunk stream - of an 8-chunk stream) / 56', { size: 14, bold: true });
    for (const entry of summary.perChunk) {
      const bars = COMPARED.filter((name) => entry.targets[name]).map((name) => ({ label: name, value: entry.targets[name].slopeMicroseconds }));
      drawGroup(canvas, `${entry.scenario}, ${entry.concurrency} clients`, bars, 'µs');
    }
  }

  if (results.targets.length > 0 && summary.rows.length > 0) {
    canvas.advance(30);
    canvas.text(10, 'Targets (from this run)', { size: 14, bold: true });
    for (const check of results.targets) {
      canvas.advance(17);
      const verdict = check.pass === null ? 'n/a ' : check.pass ? 'pass' : 'FAIL';
      const color = check.pass === null ? '#777' : check.pass ? '#15803d' : '#b91c1c';
      canvas.text(10, verdict, { bold: true, color });
      const unit = check.unit === 'us' ? 'µs' : check.unit;
      const limit = check.limitText
        ? ` (limit ${check.limitText})`
        : Number.isFinite(check.limit)
          ? ` (limit ${formatNumber(check.limit)} ${unit})`
          : ' (limit: no more bunched than direct)';
      canvas.text(50, `${check.description}: ${formatNumber(check.value)}${unit === 'share' ? '' : ` ${unit}`}${limit}`);
    }
  }

  for (const [name, outcome] of Object.entries(results.external ?? {})) {
    canvas.advance(30);
    canvas.text(10, `${name} (bench/results/${name}.json)`, { size: 14, bold: true });
    for (const line of externalHeadlines(outcome)) {
      canvas.advance(17);
      canvas.text(20, line);
    }
  }

  canvas.advance(20);
  const height = Math.ceil(canvas.y);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...canvas.parts,
    '</svg>',
    '',
  ].join('\n');
}

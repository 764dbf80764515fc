// Turns a V8 CPU profile (`node --cpu-prof`) into a static flame graph SVG that renders inside
// GitHub markdown: no scripts, `<title>` tooltips only. Root at the bottom, callees above their
// callers, width proportional to sampled time; identical stacks are merged.
//
// CLI: node bench/flame-graph.js in.cpuprofile out.svg [--title T] [--exclude-idle]
//        [--exclude-program] [--min-percent 0.3] [--width 1200]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const FRAME_HEIGHT = 16;
const FONT_SIZE = 11;
// Width of one character of an 11 px monospace font, rounded up so that labels never overflow.
const CHARACTER_WIDTH = 6.7;
const MARGIN = 10;
const TITLE_HEIGHT = 26;
const CAPTION_LINE_HEIGHT = 15;
const LEGEND_ROW_HEIGHT = 18;
const PACKAGE_PALETTE = [
  '#7fb069', '#b07fd6', '#d6c24f', '#5fb3a8', '#d67fa3', '#9aa84f',
  '#8f8fd6', '#c7a06b', '#6bbf6b', '#c48fc4', '#a3c24f', '#6fa0c0',
];
const CATEGORY_COLOURS = {
  ours: '#e8743b',
  node: '#5b8fd6',
  native: '#a0a0a0',
  wasm: '#4fc1d6',
  'other-package': '#b5c99a',
  other: '#d9b38c',
};

/**
 * @typedef {object} FlameGraphOptions
 * @property {string} [title]
 * @property {boolean} [excludeIdle] leave out `(idle)` samples (the process waiting for work)
 * @property {boolean} [excludeProgram] leave out `(program)` samples (V8 work not attributed to JS)
 * @property {number} [minPercent] frames narrower than this share of the total are omitted (default 0.3)
 * @property {number} [width] SVG width in pixels (default 1200)
 * @property {{ startMicros: number, endMicros: number }} [window] count only samples taken in this
 *   range of the profile's clock (the same monotonic clock as `process.hrtime` on one machine)
 */

/**
 * Time of every sample in microseconds: the interval from this sample to the next one, as Chrome's
 * DevTools counts it; the last sample runs to the profile's `endTime`. Negative deltas (V8 records
 * some samples out of order) count as zero.
 * @param {any} profile
 * @returns {{ nodeId: number, timestamp: number, micros: number }[]}
 */
export function sampleDurations(profile) {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const timestamps = [];
  let clock = profile.startTime ?? 0;
  for (let index = 0; index < samples.length; index += 1) {
    clock += deltas[index] ?? 0;
    timestamps.push(clock);
  }
  return samples.map((nodeId, index) => {
    const next = index + 1 < samples.length ? timestamps[index + 1] : Math.max(profile.endTime ?? clock, timestamps[index]);
    return { nodeId, timestamp: timestamps[index], micros: Math.max(0, next - timestamps[index]) };
  });
}

/**
 * Short, machine-independent name of a script: `dist/...` for the gateway's build, `package/path`
 * for a dependency, `node:...` for Node's own modules, the base name for anything else.
 * @param {string} url
 */
export function shortFileName(url) {
  if (!url) return '';
  if (url.startsWith('node:')) return url;
  if (url.startsWith('wasm://')) return 'wasm';
  let filePath = url;
  if (url.startsWith('file://')) {
    try {
      filePath = fileURLToPath(url);
    } catch {
      filePath = url.slice('file://'.length);
    }
  }
  const normalized = filePath.split(path.sep).join('/');
  const modulesAt = normalized.lastIndexOf('/node_modules/');
  if (modulesAt >= 0) return normalized.slice(modulesAt + '/node_modules/'.length);
  const distAt = normalized.lastIndexOf('/dist/');
  if (distAt >= 0) return normalized.slice(distAt + 1);
  const binAt = normalized.lastIndexOf('/bin/');
  if (binAt >= 0) return normalized.slice(binAt + 1);
  return path.posix.basename(normalized);
}

/** Package of a `node_modules` path as shortened by `shortFileName`, scope included. */
function packageName(shortFile) {
  const parts = shortFile.split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/**
 * Origin of a frame, for its colour: the gateway's own code, Node's internals, a dependency
 * (by package), WebAssembly, or native/VM work (GC, `(program)`, built-ins without a script).
 * @param {{ functionName: string, url: string }} callFrame
 * @returns {{ category: string, packageName?: string }}
 */
export function frameOrigin(callFrame) {
  const url = callFrame.url ?? '';
  if (!url) return { category: 'native' };
  if (url.startsWith('node:')) return { category: 'node' };
  if (url.startsWith('wasm://')) return { category: 'wasm' };
  const shortFile = shortFileName(url);
  if (url.includes('/node_modules/')) return { category: 'package', packageName: packageName(shortFile) };
  if (shortFile.startsWith('dist/') || shortFile.startsWith('bin/')) return { category: 'ours' };
  return { category: 'other' };
}

/** `file:line` with a 1-based line, or '' for native frames. */
export function frameLocation(callFrame) {
  const file = shortFileName(callFrame.url ?? '');
  if (!file) return '';
  const line = typeof callFrame.lineNumber === 'number' && callFrame.lineNumber >= 0 ? `:${callFrame.lineNumber + 1}` : '';
  return `${file}${line}`;
}

/** `functionName (file:line)`; native frames have no location part. */
export function frameLabel(callFrame) {
  const name = callFrame.functionName || '(anonymous)';
  const location = frameLocation(callFrame);
  return location ? `${name} (${location})` : name;
}

function isExcluded(callFrame, options) {
  if (callFrame.url) return false;
  if (options.excludeIdle && callFrame.functionName === '(idle)') return true;
  if (options.excludeProgram && callFrame.functionName === '(program)') return true;
  return false;
}

/**
 * Merges the profile's call tree by frame label and attributes sample time to it.
 * @param {any} profile
 * @param {FlameGraphOptions} [options]
 */
export function buildCallTree(profile, options = {}) {
  const nodesById = new Map();
  for (const node of profile.nodes ?? []) nodesById.set(node.id, node);
  // Older profiles name the parent instead of listing children.
  const childrenOf = new Map();
  for (const node of profile.nodes ?? []) {
    if (Array.isArray(node.children)) childrenOf.set(node.id, node.children);
  }
  for (const node of profile.nodes ?? []) {
    if (node.parent !== undefined && !Array.isArray(nodesById.get(node.parent)?.children)) {
      const siblings = childrenOf.get(node.parent) ?? [];
      siblings.push(node.id);
      childrenOf.set(node.parent, siblings);
    }
  }
  const hasParent = new Set([...childrenOf.values()].flat());
  const rootNode = (profile.nodes ?? []).find((node) => !hasParent.has(node.id));
  if (!rootNode) throw new Error('the profile has no nodes');

  const selfMicros = new Map();
  let sampleCount = 0;
  let sampledMicros = 0;
  for (const sample of sampleDurations(profile)) {
    if (options.window && (sample.timestamp < options.window.startMicros || sample.timestamp >= options.window.endMicros)) continue;
    selfMicros.set(sample.nodeId, (selfMicros.get(sample.nodeId) ?? 0) + sample.micros);
    sampleCount += 1;
    sampledMicros += sample.micros;
  }

  const excludedMicros = new Map();
  const root = newTreeNode('all', { functionName: '(root)', url: '' });
  const stack = [{ node: rootNode, merged: root }];
  while (stack.length > 0) {
    const { node, merged } = /** @type {{ node: any, merged: any }} */ (stack.pop());
    merged.selfMicros += node === rootNode ? 0 : selfMicros.get(node.id) ?? 0;
    for (const childId of childrenOf.get(node.id) ?? []) {
      const child = nodesById.get(childId);
      if (!child) continue;
      if (isExcluded(child.callFrame, options)) {
        const excluded = subtreeMicros(child, childrenOf, nodesById, selfMicros);
        excludedMicros.set(child.callFrame.functionName, (excludedMicros.get(child.callFrame.functionName) ?? 0) + excluded);
        continue;
      }
      const label = frameLabel(child.callFrame);
      let mergedChild = merged.children.get(label);
      if (!mergedChild) {
        mergedChild = newTreeNode(label, child.callFrame);
        merged.children.set(label, mergedChild);
      }
      stack.push({ node: child, merged: mergedChild });
    }
  }
  addTotals(root);
  return { root, sampleCount, sampledMicros, excludedMicros };
}

function newTreeNode(label, callFrame) {
  return { label, callFrame, selfMicros: 0, totalMicros: 0, children: new Map() };
}

function subtreeMicros(node, childrenOf, nodesById, selfMicros) {
  let total = 0;
  const pending = [node];
  while (pending.length > 0) {
    const current = pending.pop();
    total += selfMicros.get(current.id) ?? 0;
    for (const childId of childrenOf.get(current.id) ?? []) {
      const child = nodesById.get(childId);
      if (child) pending.push(child);
    }
  }
  return total;
}

function addTotals(root) {
  // Post-order without recursion: call trees of a busy server are hundreds of frames deep.
  const order = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    order.push(node);
    for (const child of node.children.values()) pending.push(child);
  }
  for (let index = order.length - 1; index >= 0; index -= 1) {
    const node = order[index];
    node.totalMicros = node.selfMicros;
    for (const child of node.children.values()) node.totalMicros += child.totalMicros;
  }
}

/**
 * Functions by self time (all their frames added up), largest first.
 * @param {any} profile
 * @param {FlameGraphOptions & { limit?: number }} [options]
 * @returns {{ functionName: string, file: string, selfMicros: number, percent: number }[]}
 */
export function selfTimeTable(profile, options = {}) {
  const { root } = buildCallTree(profile, options);
  const byFunction = new Map();
  const pending = [...root.children.values()];
  while (pending.length > 0) {
    const node = pending.pop();
    const entry = byFunction.get(node.label) ?? {
      functionName: node.callFrame.functionName || '(anonymous)',
      file: frameLocation(node.callFrame),
      selfMicros: 0,
    };
    entry.selfMicros += node.selfMicros;
    byFunction.set(node.label, entry);
    pending.push(...node.children.values());
  }
  const total = root.totalMicros || 1;
  return [...byFunction.values()]
    .sort((left, right) => right.selfMicros - left.selfMicros)
    .slice(0, options.limit ?? 20)
    .map((entry) => ({ ...entry, percent: (entry.selfMicros / total) * 100 }));
}

function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function hashOf(text) {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/** Darkens or lightens a `#rrggbb` colour a little, so that neighbouring frames stay apart. */
function shade(colour, label) {
  const factor = 0.88 + (hashOf(label) % 25) / 100;
  const channels = [1, 3, 5].map((at) => Math.min(255, Math.round(parseInt(colour.slice(at, at + 2), 16) * factor)));
  return `#${channels.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

function formatMs(micros) {
  const ms = micros / 1000;
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function fitLabel(label, widthPixels) {
  const room = Math.floor((widthPixels - 6) / CHARACTER_WIDTH);
  if (room < 5) return '';
  return label.length <= room ? label : `${label.slice(0, room - 2)}..`;
}

/**
 * Renders the profile as a flame graph SVG.
 * @param {any} profile parsed `.cpuprofile` JSON
 * @param {FlameGraphOptions} [options]
 * @returns {string}
 */
export function renderFlameGraph(profile, options = {}) {
  const width = options.width ?? 1200;
  const minPercent = options.minPercent ?? 0.3;
  const chartWidth = width - 2 * MARGIN;
  const tree = buildCallTree(profile, options);
  const total = tree.root.totalMicros;
  const minMicros = (total * minPercent) / 100;

  // Lay out frames root first; a frame narrower than the threshold is left out with its callees.
  const frames = [];
  const packageMicros = new Map();
  let maxDepth = 0;
  let omittedFrames = 0;
  const pending = [{ node: tree.root, depth: 0, x: 0 }];
  while (pending.length > 0) {
    const { node, depth, x } = /** @type {{ node: any, depth: number, x: number }} */ (pending.pop());
    const origin = node === tree.root ? { category: 'native' } : frameOrigin(node.callFrame);
    frames.push({ node, depth, x, origin });
    maxDepth = Math.max(maxDepth, depth);
    if (origin.packageName) packageMicros.set(origin.packageName, (packageMicros.get(origin.packageName) ?? 0) + node.selfMicros);
    let childX = x;
    const children = [...node.children.values()].sort((left, right) => (left.label < right.label ? -1 : 1));
    for (const child of children) {
      if (child.totalMicros > 0 && child.totalMicros >= minMicros) pending.push({ node: child, depth: depth + 1, x: childX });
      else if (child.totalMicros > 0) omittedFrames += 1;
      childX += child.totalMicros;
    }
  }

  // Packages get their own colour by self time; past the palette they share one.
  const rankedPackages = [...packageMicros.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name);
  const packageColour = new Map(rankedPackages.slice(0, PACKAGE_PALETTE.length).map((name, index) => [name, PACKAGE_PALETTE[index]]));
  const colourOf = (origin) => {
    if (origin.category === 'package') return packageColour.get(origin.packageName) ?? CATEGORY_COLOURS['other-package'];
    return CATEGORY_COLOURS[origin.category];
  };

  const excluded = [...tree.excludedMicros.entries()].map(([name, micros]) => `${name} ${formatMs(micros)} ms`);
  const captionLines = [
    `Flame graph, root at the bottom: each bar is a function, the bars above it are the functions it called; width = sampled CPU time, merged over identical stacks.`,
    `${formatMs(total)} ms in the graph from ${tree.sampleCount} samples (${formatMs(tree.sampledMicros)} ms sampled)` +
      `${excluded.length > 0 ? `; excluded: ${excluded.join(', ')}` : ''}` +
      `; ${omittedFrames} frames under ${minPercent}% of the total left out. Hover a bar for its time.`,
  ];
  const legend = [
    ['switchyard (dist/)', CATEGORY_COLOURS.ours],
    ['Node.js internals (node:)', CATEGORY_COLOURS.node],
    ['native, GC, VM', CATEGORY_COLOURS.native],
    ...rankedPackages.filter((name) => packageColour.has(name)).map((name) => [name, /** @type {string} */ (packageColour.get(name))]),
  ];
  if (rankedPackages.length > PACKAGE_PALETTE.length) legend.push(['other packages', CATEGORY_COLOURS['other-package']]);
  if (frames.some((frame) => frame.origin.category === 'wasm')) legend.push(['WebAssembly', CATEGORY_COLOURS.wasm]);
  if (frames.some((frame) => frame.origin.category === 'other')) legend.push(['other scripts', CATEGORY_COLOURS.other]);

  const legendItemWidth = 190;
  const legendPerRow = Math.max(1, Math.floor(chartWidth / legendItemWidth));
  const legendRows = Math.ceil(legend.length / legendPerRow);
  const chartTop = MARGIN + TITLE_HEIGHT + captionLines.length * CAPTION_LINE_HEIGHT + 8;
  const chartHeight = (maxDepth + 1) * FRAME_HEIGHT;
  const legendTop = chartTop + chartHeight + 12;
  const height = legendTop + legendRows * LEGEND_ROW_HEIGHT + MARGIN;

  const scale = total > 0 ? chartWidth / total : 0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${FONT_SIZE}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="${MARGIN + 16}" text-anchor="middle" font-size="16" font-family="sans-serif">${escapeXml(options.title ?? 'CPU flame graph')}</text>`,
    ...captionLines.map(
      (line, index) =>
        `<text x="${MARGIN}" y="${MARGIN + TITLE_HEIGHT + index * CAPTION_LINE_HEIGHT + 10}" font-family="sans-serif" font-size="11" fill="#444">${escapeXml(line)}</text>`,
    ),
  ];
  for (const { node, depth, x, origin } of frames) {
    const left = MARGIN + x * scale;
    const frameWidth = node.totalMicros * scale;
    const top = chartTop + chartHeight - (depth + 1) * FRAME_HEIGHT;
    const label = node === tree.root ? 'all' : node.label;
    const percent = total > 0 ? ((node.totalMicros / total) * 100).toFixed(2) : '0';
    const tooltip = `${label}: ${formatMs(node.totalMicros)} ms (${percent}%), self ${formatMs(node.selfMicros)} ms`;
    const text = fitLabel(label, frameWidth);
    parts.push(
      `<g><title>${escapeXml(tooltip)}</title><rect x="${left.toFixed(2)}" y="${top}" width="${frameWidth.toFixed(2)}" height="${FRAME_HEIGHT - 1}" fill="${shade(colourOf(origin), label)}" rx="1"/>` +
        (text ? `<text x="${(left + 3).toFixed(2)}" y="${top + FRAME_HEIGHT - 4}">${escapeXml(text)}</text>` : '') +
        `</g>`,
    );
  }
  legend.forEach(([name, colour], index) => {
    const left = MARGIN + (index % legendPerRow) * legendItemWidth;
    const top = legendTop + Math.floor(index / legendPerRow) * LEGEND_ROW_HEIGHT;
    parts.push(
      `<rect x="${left}" y="${top}" width="12" height="12" fill="${colour}"/><text x="${left + 17}" y="${top + 10}" font-family="sans-serif">${escapeXml(name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function parseCommandLine(argumentList) {
  const positional = [];
  /** @type {FlameGraphOptions} */
  const options = {};
  for (let index = 0; index < argumentList.length; index += 1) {
    const argument = argumentList[index];
    const value = () => {
      index += 1;
      if (argumentList[index] === undefined) throw new Error(`${argument} needs a value`);
      return /** @type {string} */ (argumentList[index]);
    };
    if (argument === '--title') options.title = value();
    else if (argument === '--exclude-idle') options.excludeIdle = true;
    else if (argument === '--exclude-program') options.excludeProgram = true;
    else if (argument === '--min-percent') options.minPercent = Number(value());
    else if (argument === '--width') options.width = Number(value());
    else if (argument.startsWith('--')) throw new Error(`unknown option ${argument}`);
    else positional.push(argument);
  }
  if (positional.length !== 2) throw new Error('usage: node bench/flame-graph.js in.cpuprofile out.svg [--title T] [--exclude-idle] [--exclude-program] [--min-percent 0.3] [--width 1200]');
  if (!(Number(options.minPercent ?? 0) >= 0) || !(Number(options.width ?? 1200) >= 200)) throw new Error('--min-percent must be >= 0 and --width >= 200');
  return { input: positional[0], output: positional[1], options };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { input, output, options } = parseCommandLine(process.argv.slice(2));
    const svg = renderFlameGraph(JSON.parse(readFileSync(input, 'utf8')), { title: path.basename(input), ...options });
    writeFileSync(output, svg);
    process.stdout.write(`${output}: ${(Buffer.byteLength(svg) / 1024).toFixed(0)} KB\n`);
  } catch (error) {
    process.stderr.write(`flame-graph: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchModuleUrl, repositoryRoot } from './bench-module.js';

// The flame graph renderer on a small profile whose sample times are known exactly.

const flameGraphModule = benchModuleUrl('flame-graph.js');

interface FlameGraphOptions {
  title?: string;
  excludeIdle?: boolean;
  excludeProgram?: boolean;
  minPercent?: number;
  width?: number;
}

interface FlameGraph {
  renderFlameGraph(profile: unknown, options?: FlameGraphOptions): string;
  selfTimeTable(profile: unknown, options?: FlameGraphOptions): Array<{ functionName: string; file: string; selfMicros: number; percent: number }>;
}

async function loadFlameGraph(): Promise<FlameGraph> {
  return (await import(flameGraphModule)) as FlameGraph;
}

const projectFile = pathToFileURL(path.join(repositoryRoot, 'dist', 'src', 'app.js')).href;
const packageFile = pathToFileURL(path.join(repositoryRoot, 'node_modules', 'fastify', 'lib', 'route.js')).href;

function callFrame(functionName: string, url: string, lineNumber = -1) {
  return { functionName, scriptId: '0', url, lineNumber, columnNumber: -1 };
}

// Sample times (each sample lasts until the next one; the last until endTime):
// handleRequest 100 µs, routeRequest 300 + 300 = 600 µs, encodeAnswer 100 µs, (idle) 400 µs,
// (garbage collector) 100 µs. Without idle: 900 µs in all.
const profile = {
  startTime: 1_000,
  endTime: 2_300,
  nodes: [
    { id: 1, callFrame: callFrame('(root)', ''), children: [2, 3, 6] },
    { id: 2, callFrame: callFrame('(idle)', ''), children: [] },
    { id: 3, callFrame: callFrame('handleRequest', projectFile, 9), children: [4, 5] },
    { id: 4, callFrame: callFrame('routeRequest', packageFile, 41), children: [] },
    { id: 5, callFrame: callFrame('encodeAnswer', 'node:internal/streams/writable', 100), children: [] },
    { id: 6, callFrame: callFrame('(garbage collector)', ''), children: [] },
  ],
  samples: [3, 4, 4, 5, 2, 6],
  timeDeltas: [0, 100, 300, 300, 100, 400],
};

/** Width of the bar whose tooltip starts with `label`. */
function barWidth(svg: string, label: string): number {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`<title>${escaped}[^<]*</title><rect [^>]*width="([0-9.]+)"`).exec(svg);
  if (!match?.[1]) throw new Error(`no bar for ${label}`);
  return Number(match[1]);
}

describe('renderFlameGraph', () => {
  it('renders one bar per merged frame, labelled with the function and its short file', async () => {
    const { renderFlameGraph } = await loadFlameGraph();
    const svg = renderFlameGraph(profile, { title: 'synthetic', excludeIdle: true, minPercent: 0 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('handleRequest (dist/src/app.js:10)');
    expect(svg).toContain('routeRequest (fastify/lib/route.js:42)');
    expect(svg).toContain('encodeAnswer (node:internal/streams/writable:101)');
    expect(svg).toContain('(garbage collector)');
    // No machine path ends up in a committed graph.
    expect(svg).not.toContain(repositoryRoot);
  });

  it('makes widths proportional to sample time', async () => {
    const { renderFlameGraph } = await loadFlameGraph();
    const svg = renderFlameGraph(profile, { excludeIdle: true, minPercent: 0, width: 1020 });
    const route = barWidth(svg, 'routeRequest');
    const encode = barWidth(svg, 'encodeAnswer');
    const handle = barWidth(svg, 'handleRequest');
    const all = barWidth(svg, 'all');
    expect(route / encode).toBeCloseTo(6, 1);
    expect(Math.abs(handle / all - 800 / 900)).toBeLessThan(0.01);
    expect(Math.abs(all - 1000)).toBeLessThan(0.01);
  });

  it('leaves out (idle) only when asked', async () => {
    const { renderFlameGraph } = await loadFlameGraph();
    const withIdle = renderFlameGraph(profile, { minPercent: 0 });
    expect(withIdle).toContain('<title>(idle)');
    expect(Math.abs(barWidth(withIdle, 'routeRequest') / barWidth(withIdle, 'all') - 600 / 1300)).toBeLessThan(0.01);

    const withoutIdle = renderFlameGraph(profile, { excludeIdle: true, minPercent: 0 });
    expect(withoutIdle).not.toContain('<title>(idle)');
    expect(withoutIdle).toContain('excluded: (idle) 0.4 ms');
  });

  it('omits frames narrower than the minimum share', async () => {
    const { renderFlameGraph } = await loadFlameGraph();
    const svg = renderFlameGraph(profile, { excludeIdle: true, minPercent: 20 });
    expect(svg).toContain('<title>routeRequest');
    expect(svg).not.toContain('<title>encodeAnswer');
  });
});

describe('selfTimeTable', () => {
  it('ranks functions by self time as a share of the non-idle time', async () => {
    const { selfTimeTable } = await loadFlameGraph();
    const table = selfTimeTable(profile, { excludeIdle: true });
    expect(table[0]).toMatchObject({ functionName: 'routeRequest', file: 'fastify/lib/route.js:42', selfMicros: 600 });
    expect(table[0]?.percent).toBeCloseTo((600 / 900) * 100, 5);
    expect(table.map((row) => row.functionName)).not.toContain('(idle)');
  });
});

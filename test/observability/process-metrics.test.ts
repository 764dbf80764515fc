import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectProcessMetrics } from '../../src/observability/process-metrics.js';

function sampleOf(text: string, name: string): number | null {
  const line = text.split('\n').find((candidate) => candidate.startsWith(name + ' '));
  return line === undefined ? null : Number(line.slice(name.length + 1));
}

describe('process metrics', () => {
  it('keeps the default process and Node.js metrics but not the per-type handle and resource breakdowns', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry, 'test_');
    const text = await registry.metrics();
    expect(sampleOf(text, 'test_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleOf(text, 'test_nodejs_active_handles_total')).toBeGreaterThanOrEqual(0);
    expect(sampleOf(text, 'test_nodejs_active_resources_total')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('test_nodejs_eventloop_lag_p99_seconds');
    expect(text).not.toMatch(/^test_nodejs_active_handles\{/m);
    expect(text).not.toMatch(/^test_nodejs_active_resources\{/m);
  });

  it.skipIf(!existsSync('/proc/self/fd'))('counts open file descriptors', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry, 'test_');
    const count = sampleOf(await registry.metrics(), 'test_process_open_fds');
    // At least standard input, output and error.
    expect(count).toBeGreaterThanOrEqual(3);
    expect(registry.getSingleMetric('test_process_open_fds')).toBeDefined();
  });
});

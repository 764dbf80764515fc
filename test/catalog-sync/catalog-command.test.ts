import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCatalogCommands } from '../../src/cli/catalog-command.js';
import { resolveSourcesLocation } from '../../src/catalog/sync/sync-catalog.js';
import { validateSnapshot } from '../../src/catalog/sync/validate-snapshot.js';
import { writeSourcesFolder } from './sources-fixture.js';

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('switchyard').exitOverride();
  registerCatalogCommands(program, (line) => lines.push(line));
  await program.parseAsync(['node', 'switchyard', ...args]);
  return lines;
}

describe('switchyard catalog sync', () => {
  it('builds from --from into --out and prints a short summary', async () => {
    const from = writeSourcesFolder();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'catalog-out-')), 'nested', 'snapshot.json');
    const lines = await run(['catalog', 'sync', '--from', from, '--out', out]);
    expect(existsSync(out)).toBe(true);
    expect(validateSnapshot(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
    expect(lines[0]).toMatch(/^catalog: \d+ models from 5 providers \(sources of 2026-08-18\)$/);
    expect(lines.find((line) => line.startsWith('by provider'))).toContain('openrouter 4');
    expect(lines.find((line) => line.startsWith('by status'))).toMatch(/retired \d+/);
    expect(lines.at(-1)).toMatch(/^written: .*snapshot\.json \(\d+ bytes\)$/);
  });

  it('refuses a missing sources folder with a clear message', async () => {
    await expect(run(['catalog', 'sync', '--from', path.join(tmpdir(), 'no-such-catalog-sources'), '--out', path.join(tmpdir(), 'x.json')])).rejects.toThrow(
      /catalog sources folder not found/,
    );
  });

  it('takes --from first, then SWITCHYARD_CATALOG_SOURCES', () => {
    expect(resolveSourcesLocation('https://example.test/sources', { SWITCHYARD_CATALOG_SOURCES: '/elsewhere' })).toBe('https://example.test/sources');
    expect(resolveSourcesLocation(undefined, { SWITCHYARD_CATALOG_SOURCES: path.join(tmpdir(), 'src-folder') })).toBe(path.join(tmpdir(), 'src-folder'));
  });
});

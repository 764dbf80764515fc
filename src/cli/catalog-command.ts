import type { Command } from 'commander';
import { syncCatalog } from '../catalog/sync/sync-catalog.js';
import { snapshotAgeWarning } from '../catalog/sync/validate-snapshot.js';

export function registerCatalogCommands(program: Command, print: (line: string) => void): void {
  const catalog = program.command('catalog').description('the model catalog');
  catalog
    .command('sync')
    .description('rebuild the catalog snapshot from its sources')
    .option('--from <pathOrUrl>', 'sources folder or https:// base URL (default: $SWITCHYARD_CATALOG_SOURCES, else ../shared/catalog-sources)')
    .option('--out <path>', 'where to write the snapshot (default: catalog/catalog-snapshot.json)')
    .action(async (options: { from?: string; out?: string }) => {
      const now = new Date();
      const result = await syncCatalog({ from: options.from, out: options.out, now });
      for (const line of result.summary) print(line);
      print(`written: ${result.out} (${Buffer.byteLength(result.text)} bytes)`);
      const warning = snapshotAgeWarning(result.snapshot, now);
      if (warning !== null) process.stderr.write(`warning: ${warning}\n`);
    });
}

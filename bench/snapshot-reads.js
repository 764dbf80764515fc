// The credit snapshots' periodic re-read of every account in use (balances and key spending,
// every 500 ms), on the main thread's SQLite connection against the settlement thread's: how
// long the main thread is busy for one re-read, and how long the re-read takes.
//
//   npm run build && node bench/snapshot-reads.js [--accounts 1000,10000] [--repeat 7]
//
// Each count gets a fresh SQLite store (temp dir) with that many accounts, each with one key
// that has spent something. Busy time is the main thread's, from
// `performance.eventLoopUtilization()` across the awaited reads: while it is busy, every request
// in flight waits. Medians of --repeat runs, the two ways alternating.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseOptions } from './lib/command-line-options.js';
import { formatTable } from './lib/format-table.js';
import { median } from './lib/stats.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS_PER_INSERT = 500;

async function builtModule(file) {
  try {
    return await import(pathToFileURL(path.join(repositoryRoot, 'dist', 'store', file)).href);
  } catch (error) {
    throw new Error(`run npm run build first (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function seededStore(openStore, directory, count) {
  const store = await openStore({ dataDir: directory });
  await store.migrate();
  const now = Date.now();
  const accountIds = Array.from({ length: count }, (_, index) => `acct_snapshot_${index}`);
  const keyIds = accountIds.map((_, index) => `key_snapshot_${index}`);
  for (let start = 0; start < count; start += ROWS_PER_INSERT) {
    const slice = accountIds.slice(start, start + ROWS_PER_INSERT);
    await store.database
      .insertInto('accounts')
      .values(slice.map((id) => ({ id, email: `${id}@example.test`, password_hash: null, role: 'user', balance: '1000000', created_at: now })))
      .execute();
    await store.database
      .insertInto('api_keys')
      .values(slice.map((accountId, offset) => ({
        id: keyIds[start + offset],
        account_id: accountId,
        name: 'bench',
        prefix: 'sk-sy-bench',
        hash: `${String(start + offset).padStart(64, '0')}`,
        models: '[]',
        spent: '1234',
        created_at: now,
        updated_at: now,
      })))
      .execute();
  }
  return { store, accountIds, keyIds };
}

async function measure(reads, accountIds, keyIds) {
  const utilisation = performance.eventLoopUtilization();
  const startedAt = performance.now();
  const balances = await reads.readBalances(accountIds);
  const spending = await reads.readKeySpending(keyIds);
  const wallMs = performance.now() - startedAt;
  const busyMs = performance.eventLoopUtilization(utilisation).active;
  if (balances.size !== accountIds.length || spending.size !== keyIds.length) {
    throw new Error(`read ${balances.size} balances and ${spending.size} spendings of ${accountIds.length}`);
  }
  return { busyMs, wallMs };
}

async function main() {
  const options = parseOptions(process.argv.slice(2), { accounts: 'string', repeat: 'number' });
  const counts = String(options.accounts ?? '1000,10000').split(',').map(Number);
  const repeat = Math.max(1, Math.round(Number(options.repeat ?? 7)));
  const { openStore } = await builtModule('open-store.js');
  const rows = [];
  for (const count of counts) {
    const directory = mkdtempSync(path.join(tmpdir(), 'switchyard-snapshot-reads-'));
    const { store, accountIds, keyIds } = await seededStore(openStore, directory, count);
    try {
      const ways = { 'main connection': store.ledger, 'settlement thread': store.snapshotReads };
      const results = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
      // One unmeasured pass each: the thread starts, the pages are cached.
      for (const reads of Object.values(ways)) await measure(reads, accountIds, keyIds);
      for (let run = 0; run < repeat; run += 1) {
        const order = run % 2 === 0 ? Object.keys(ways) : Object.keys(ways).reverse();
        for (const name of order) results[name].push(await measure(ways[name], accountIds, keyIds));
      }
      for (const [name, runs] of Object.entries(results)) {
        rows.push([count, name, median(runs.map((run) => run.busyMs)), median(runs.map((run) => run.wallMs))]);
      }
    } finally {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${formatTable(['accounts', 'read on', 'main thread busy ms', 'wall ms'], rows)}\n`);
}

main().catch((error) => {
  process.stderr.write(`snapshot-reads failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

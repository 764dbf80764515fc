/**
 * A real crash: a child process appends settlements through the journal and is killed with
 * SIGKILL; the parent then recovers every settlement whose append had returned, and stores them
 * in a real SQLite store exactly once, even when the same journal is replayed twice.
 *
 * The child is plain JavaScript; the journal modules are compiled for it here with the
 * TypeScript compiler's single-file transpiler, so it runs exactly the code under test.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { journalDirectory, SettlementJournal } from '../../src/metering/settlement-journal.js';
import { SettlementWriter } from '../../src/metering/settlement-writer.js';
import { openStore } from '../../src/store/open-store.js';
import { isOpenedHold, type LedgerSettlement } from '../../src/store/ledger-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDirectory = path.resolve(here, '../../src/metering');
const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-crash-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compiles the journal and its line format to `<scratch>/compiled/*.js`; returns the journal's URL. */
function compileJournalModules(): string {
  const output = path.join(scratch, 'compiled');
  mkdirSync(output, { recursive: true });
  for (const name of ['settlement-journal', 'settlement-line', 'journal-line-bytes']) {
    const source = readFileSync(path.join(sourceDirectory, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: `${name}.ts`,
    });
    writeFileSync(path.join(output, `${name}.js`), outputText);
  }
  // Marks the folder as ES modules regardless of any package.json above the temp dir.
  writeFileSync(path.join(output, 'package.json'), '{"type":"module"}');
  return pathToFileURL(path.join(output, 'settlement-journal.js')).href;
}

/** Runs the child until it reports `count` appends, then kills it with SIGKILL. */
function appendThenKill(moduleUrl: string, directory: string, count: number, accountId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(here, 'journal-crash-child.mjs'), moduleUrl, directory, String(count), '1000'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CRASH_ACCOUNT_ID: accountId } },
    );
    let output = '';
    let errors = '';
    let reported = 0;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errors += chunk;
    });
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      for (const match of output.matchAll(/appended (\d+)\n/g)) reported = Math.max(reported, Number(match[1]));
      if (output.includes('done\n')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(reported);
      else reject(new Error(`child exited with ${code}: ${errors}`));
    });
  });
}

describe('settlement journal under kill -9', () => {
  it('recovers every appended settlement and stores each exactly once', async () => {
    const count = 1000;
    const accountId = 'account-crash';
    const dataDir = path.join(scratch, 'data');
    const directory = journalDirectory(dataDir);
    const reported = await appendThenKill(compileJournalModules(), directory, count, accountId);
    expect(reported).toBe(count);

    const recovered = new SettlementJournal({ directory }).replay();
    const settlements = recovered.filter((record): record is LedgerSettlement => !isOpenedHold(record));
    expect(settlements.map((settlement) => settlement.generation.id)).toEqual(
      Array.from({ length: count }, (_, index) => `crash-${index}`),
    );
    const expectedCharge = settlements.reduce((sum, settlement) => sum + settlement.charge, 0n);
    expect(expectedCharge).toBe(BigInt(count) * 1_000_000n + BigInt((count * (count - 1)) / 2));

    // Keep a copy of the leftover segments, to replay the very same journal a second time.
    const backup = path.join(scratch, 'journal-backup');
    mkdirSync(backup);
    for (const name of readdirSync(directory)) copyFileSync(path.join(directory, name), path.join(backup, name));

    const store = await openStore({ dataDir });
    try {
      await store.migrate();
      await store.createAccount({ id: accountId, email: 'crash@example.test', passwordHash: null, role: 'user', createdAt: 0 });

      const first = new SettlementWriter({ store, journal: new SettlementJournal({ directory }) });
      await first.start();
      await first.close();
      expect(readdirSync(directory)).toEqual([]);
      const afterFirst = await store.findAccountById(accountId);
      expect(afterFirst?.balance).toBe(-expectedCharge);
      expect(await store.listGenerations(accountId, count + 10)).toHaveLength(count);

      for (const name of readdirSync(backup)) copyFileSync(path.join(backup, name), path.join(directory, name));
      const second = new SettlementWriter({ store, journal: new SettlementJournal({ directory }) });
      await second.start();
      expect(second.metrics.flushedTotal).toBe(count);
      await second.close();

      expect(await store.listGenerations(accountId, count + 10)).toHaveLength(count);
      expect((await store.findAccountById(accountId))?.balance).toBe(-expectedCharge);
      expect(await store.listLedgerEntries(accountId, count + 10)).toHaveLength(count);
      expect(await store.verifyLedger()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

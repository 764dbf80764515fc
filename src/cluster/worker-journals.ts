/**
 * One settlement journal per worker: a journal has exactly one writer process, so worker `i`
 * writes `<dataDir>/journal/worker-<i>/` and keeps its instance id there too (its holds carry
 * it). A worker started again with the same index replays its own leftovers; the primary stores
 * what dead workers, earlier runs and unused indexes left behind.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SettlementJournal, journalDirectory } from '../metering/settlement-journal.js';
import { SettlementWriter, type LedgerWriteTarget } from '../metering/settlement-writer.js';

const WORKER_DIRECTORY = /^worker-(\d+)$/;
/** The file `claimInstanceIdentity` keeps the id of the last process of a directory in. */
const INSTANCE_ID_FILE = 'instance-id';

export function workerJournalDirectory(dataDir: string, index: number): string {
  return path.join(journalDirectory(dataDir), `worker-${index}`);
}

/** The worker journal folders that exist, by index. */
export function existingWorkerJournals(dataDir: string): Array<{ index: number; directory: string }> {
  const root = journalDirectory(dataDir);
  if (!existsSync(root)) return [];
  const found: Array<{ index: number; directory: string }> = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const match = WORKER_DIRECTORY.exec(entry.name);
    if (match && entry.isDirectory()) found.push({ index: Number(match[1]), directory: path.join(root, entry.name) });
  }
  return found.sort((left, right) => left.index - right.index);
}

/** The instance id of the last process that used `directory`, or null. */
export function lastInstanceId(directory: string): string | null {
  try {
    const text = readFileSync(path.join(directory, INSTANCE_ID_FILE), 'utf8').trim();
    return text.length > 0 ? text : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Whether a journal folder holds segments not yet stored. */
export function hasLeftovers(directory: string): boolean {
  if (!existsSync(directory)) return false;
  const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
  try {
    return journal.leftoverSegments().length > 0;
  } finally {
    journal.close();
  }
}

/**
 * Stores whatever a journal folder holds, the way a writer does at start (idempotent: a record
 * already stored changes nothing), and deletes the segments once stored. Only for a folder no
 * live process writes to.
 */
export async function storeLeftoverJournal(store: LedgerWriteTarget, directory: string, onError: (error: unknown) => void): Promise<void> {
  if (!existsSync(directory)) return;
  const writer = new SettlementWriter({ store, journal: new SettlementJournal({ directory, onSyncError: onError }), onError });
  await writer.start();
  await writer.close();
}

/**
 * The one-time work of `serve` with several workers, done by the primary before it starts any:
 * the secret, the schema, the first admin, and what earlier runs left in the journals (stored,
 * and their holds released), so that no two processes ever do it at once.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { bootstrapAdmin, type BootstrappedAdmin } from '../app/bootstrap-admin.js';
import { ConfigError, loadOrCreateSecret, type ServerSettings } from '../config/index.js';
import { HoldReconciler } from '../credit/hold-reconciler.js';
import { journalDirectory } from '../metering/settlement-journal.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { openStore, parseDatabaseUrl } from '../store/open-store.js';
import { existingWorkerJournals, hasLeftovers, lastInstanceId, storeLeftoverJournal } from './worker-journals.js';

export interface PreparedStore {
  store: KyselyStore;
  admin: BootstrappedAdmin | null;
}

export async function prepareStoreForWorkers(settings: ServerSettings, dataDir: string, workers: number, logger: Logger): Promise<PreparedStore> {
  ensureSecret(settings, dataDir);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir });
  try {
    await store.migrate();
    const admin = await bootstrapAdmin(store, settings.adminEmail, settings.adminPassword);
    const onError = (error: unknown) => logger.error({ err: error }, 'storing a leftover journal failed');
    const workerJournals = existingWorkerJournals(dataDir);
    await storeLeftoverJournal(store, journalDirectory(dataDir), onError);
    for (const { directory } of workerJournals) await storeLeftoverJournal(store, directory, onError);

    const reconciler = new HoldReconciler({ store: store.ledger });
    let released: number;
    if (!settings.redisUrl) {
      // Without Redis these processes are the only gateway on the database: every open hold is a leftover.
      released = await reconciler.releaseAtStart('all');
    } else {
      // With Redis other gateways may share the database: only the holds of our own earlier
      // processes go now (a worker index in use releases its own at its start).
      const unused = [dataDir, ...workerJournals.filter(({ index }) => index > workers).map(({ directory }) => directory)];
      const instanceIds = unused.map(lastInstanceId).filter((id): id is string => id !== null);
      released = instanceIds.length > 0 ? await reconciler.releaseAtStart({ instanceIds }) : 0;
    }
    if (released > 0) logger.info({ holds: released }, 'released holds left by a stopped gateway process');
    return { store, admin };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * As a lone gateway does at start (`startGateway`): PostgreSQL needs the secret given, SQLite
 * generates it into the data folder, here once before any worker reads it.
 */
function ensureSecret(settings: ServerSettings, dataDir: string): void {
  if (settings.secret) return;
  if (parseDatabaseUrl(settings.databaseUrl, dataDir).dialect === 'postgres') {
    throw new ConfigError('SWITCHYARD_SECRET is required with a PostgreSQL DATABASE_URL');
  }
  loadOrCreateSecret(dataDir);
}

/**
 * One process started on a data folder that several workers used before: what their journals
 * still hold is stored before the gateway starts (its own start then releases their holds).
 * Opens the store only when there is something to store.
 */
export async function storeWorkerLeftovers(settings: ServerSettings, cwd: string, logger: Logger): Promise<void> {
  const dataDir = path.resolve(cwd, settings.dataDir);
  const leftovers = existingWorkerJournals(dataDir).filter(({ directory }) => hasLeftovers(directory));
  if (leftovers.length === 0) return;
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir });
  try {
    await store.migrate();
    const onError = (error: unknown) => logger.error({ err: error }, 'storing a leftover journal failed');
    for (const { directory } of leftovers) await storeLeftoverJournal(store, directory, onError);
  } finally {
    await store.close();
  }
}

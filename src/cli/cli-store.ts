import path from 'node:path';
import { readServerSettings } from '../config/index.js';
import { openStore } from '../store/open-store.js';
import type { AccountRecord, Store } from '../store/store.js';

/** Opens the store the server would use (same DATABASE_URL / SWITCHYARD_DATA_DIR), migrated. */
export async function withStore<T>(run: (store: Store) => Promise<T>): Promise<T> {
  const settings = readServerSettings(process.env);
  const store = await openStore({ databaseUrl: settings.databaseUrl, dataDir: path.resolve(settings.dataDir) });
  try {
    await store.migrate();
    return await run(store);
  } finally {
    await store.close();
  }
}

export class CommandError extends Error {}

export async function requireAccount(store: Store, email: string): Promise<AccountRecord> {
  const account = await store.findAccountByEmail(email);
  if (!account) throw new CommandError(`no account with email ${email}`);
  return account;
}

/** Opens the store that `DATABASE_URL` names (SQLite by default), ready for `migrate()`. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database-schema.js';
import { describeDatabaseUrl, parseDatabaseUrl } from './database-url.js';
import { KyselyStore } from './kysely-store.js';
import { startSqliteSettlementThread } from './sqlite-settlement-thread.js';
import { withStatementCache } from './sqlite-statement-cache.js';
import type { Store } from './store.js';

export { describeDatabaseUrl, parseDatabaseUrl, type DatabaseLocation } from './database-url.js';

export interface OpenStoreOptions {
  /** `postgres://…`, `postgresql://…` or `sqlite:PATH`; undefined for `sqlite:<dataDir>/switchyard.db`. */
  databaseUrl?: string;
  dataDir: string;
  /** Errors of idle PostgreSQL connections (e.g. the server restarted); a process warning if unset. */
  onPoolError?: (error: Error) => void;
  /** Told of every query run on the main connection (not the settlement thread's), for metrics. */
  onQuery?: () => void;
}

/** Opens the store; does not migrate (call `migrate()`). */
export async function openStore(options: OpenStoreOptions): Promise<KyselyStore> {
  const location = parseDatabaseUrl(options.databaseUrl, options.dataDir);
  if (location.dialect === 'postgres') {
    return new KyselyStore(openPostgresDatabase(location.connectionString, options.onPoolError, options.onQuery), 'postgres');
  }
  return new KyselyStore(openSqliteDatabase(location.filename, options.onQuery), 'sqlite', () => startSqliteSettlementThread(location.filename));
}

/** A Kysely over a better-sqlite3 file (parent folders created), with the pragmas the store relies on. */
export function openSqliteDatabase(filename: string, onQuery?: () => void): Kysely<Database> {
  if (filename !== ':memory:') mkdirSync(path.dirname(filename), { recursive: true });
  const database = new SqliteDatabase(filename);
  try {
    // Every INTEGER comes back as a bigint, so money near 2^63 stays exact.
    database.defaultSafeIntegers(true);
    database.pragma('journal_mode = WAL');
    // FULL: a committed batch survives power loss, so deleting its journal segment after the
    // commit can never lose a charge. Writes are batched, so the extra flush is per batch.
    database.pragma('synchronous = FULL');
    database.pragma('busy_timeout = 5000');
    // Settlements insert rows under random ids into several indexes; with SQLite's default 2 MB
    // page cache those pages are read back from the OS for every batch once the tables grow.
    database.pragma('cache_size = -65536');
    database.pragma('foreign_keys = ON');
    // A settlement batch is one multi-row INSERT per table inside a transaction, so SQLite keeps
    // a statement journal for it; past 64 KiB that journal spills to a temporary file on disk,
    // which cost a 4-byte and a 4 KiB write per page the statement touched, on top of the WAL.
    // In memory it costs no system call (about 9 % of a batch's CPU, measured).
    database.pragma('temp_store = MEMORY');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }), ...(onQuery ? { log: () => onQuery() } : {}) });
}

/** A Kysely over a pg pool. int8 values arrive as strings and are converted by the store. */
export function openPostgresDatabase(
  connectionString: string,
  onPoolError: (error: Error) => void = warnOfPoolError,
  onQuery?: () => void,
): Kysely<Database> {
  // A URL that does not parse would otherwise fail later with an error that carries the raw input.
  if (!URL.canParse(connectionString)) {
    throw new Error(`DATABASE_URL is not a valid URL: ${describeDatabaseUrl(connectionString)}`);
  }
  const pool = new pg.Pool({ connectionString });
  pool.on('error', onPoolError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(onQuery ? { log: () => onQuery() } : {}) });
}

function warnOfPoolError(error: Error): void {
  process.emitWarning(`idle PostgreSQL connection failed: ${error.message}`);
}

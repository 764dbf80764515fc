/**
 * The one `Store` implementation, for SQLite and PostgreSQL alike. Every query here is written so
 * that the same SQL text runs on both engines; values read back are normalised in
 * `record-mapping.ts`.
 */
import { CompiledQuery, Migrator, sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from './database-schema.js';
import { staticMigrationProvider } from './migrations/index.js';
import {
  accountFromRow,
  apiKeyFromRow,
  apiKeyToRow,
  generationFromRow,
  ledgerEntryFromRow,
  ledgerEntryToRow,
} from './record-mapping.js';
import { toNumber } from './column-values.js';
import { bumpedUpdatedAt, moveBalance } from './ledger-sql.js';
import { KyselyLedgerStore } from './kysely-ledger-store.js';
import type { LedgerRecord, LedgerSnapshotReads } from './ledger-store.js';
import type { LedgerBatchWriter } from './sqlite-settlement-thread.js';
import { isUniqueViolation, StoreConflictError } from './store-conflict-error.js';
import type {
  AccountRecord,
  ApiKeyRecord,
  BalanceDiscrepancy,
  GenerationRecord,
  LedgerEntry,
  NewAccount,
  NewApiKey,
  Store,
} from './store.js';

export type StoreDialect = Store['dialect'];

export class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<Database>;
  #keysUpdatedSince: string | undefined;
  /** Settling, holds and verification live in their own store (`kysely-ledger-store.ts`). */
  readonly ledger: KyselyLedgerStore;

  readonly #openBatchWriter: (() => LedgerBatchWriter | null) | undefined;
  #batchWriter: LedgerBatchWriter | null | undefined;

  /** `openBatchWriter`: where settlement batches go instead of `db` (opened on the first batch). */
  constructor(db: Kysely<Database>, dialect: StoreDialect, openBatchWriter?: () => LedgerBatchWriter | null) {
    this.#db = db;
    this.dialect = dialect;
    this.ledger = new KyselyLedgerStore(db);
    this.#openBatchWriter = openBatchWriter;
  }

  /**
   * The reads of the credit snapshots, on the batch writer's connection when there is one (the
   * SQLite settlement thread), so that re-reading thousands of accounts never holds the event
   * loop; else, or once that thread has failed, on this store's own connection.
   */
  readonly snapshotReads: LedgerSnapshotReads = {
    readBalances: (accountIds) => this.#readOnWriter((writer) => writer.readBalances(accountIds), () => this.ledger.readBalances(accountIds)),
    readKeySpending: (keyIds) => this.#readOnWriter((writer) => writer.readKeySpending(keyIds), () => this.ledger.readKeySpending(keyIds)),
  };

  async #readOnWriter<T>(onWriter: (writer: LedgerBatchWriter) => Promise<T>, here: () => Promise<T>): Promise<T> {
    const writer = this.#writer();
    if (writer === null) return here();
    try {
      return await onWriter(writer);
    } catch {
      // A read the thread could not answer (it failed, or SQLite refused): the main connection
      // answers instead; a failing database then fails here too, as it always did.
      return here();
    }
  }

  #writer(): LedgerBatchWriter | null {
    if (this.#batchWriter === undefined) this.#batchWriter = this.#openBatchWriter?.() ?? null;
    return this.#batchWriter;
  }

  /** The query builder, for the smaller stores of other concerns that share this database. */
  get database(): Kysely<Database> {
    return this.#db;
  }

  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.#db,
      provider: staticMigrationProvider,
      // PostgreSQL: Kysely looks for its bookkeeping tables in any schema unless told which one,
      // so name the current one; otherwise a second schema in the same database would confuse it.
      ...(this.dialect === 'postgres' ? { migrationTableSchema: await this.#currentSchema() } : {}),
    });
    let { error, results } = await migrator.migrateToLatest();
    // Kysely reads the table list of every schema of the database; another tenant dropping its
    // schema during that read fails it. The migration runs in one transaction: trying again is safe.
    for (let retry = 1; error !== undefined && retry <= 5 && isConcurrentSchemaChange(error); retry++) {
      await new Promise((resolve) => setTimeout(resolve, 50 * retry));
      ({ error, results } = await migrator.migrateToLatest());
    }
    if (error !== undefined) {
      const failed = results?.find((result) => result.status === 'Error');
      const name = failed ? ` at ${failed.migrationName}` : '';
      throw new Error(`database migration failed${name}: ${describeError(error)}`, { cause: error });
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#db);
  }

  async close(): Promise<void> {
    await this.#batchWriter?.close();
    await this.#db.destroy();
  }

  async createAccount(account: NewAccount): Promise<AccountRecord> {
    try {
      const row = await this.#db
        .insertInto('accounts')
        .values({
          id: account.id,
          email: account.email,
          password_hash: account.passwordHash,
          role: account.role,
          balance: 0n,
          disabled: 0,
          created_at: account.createdAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return accountFromRow(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreConflictError('an account with this email or id already exists', { cause: error });
      }
      throw error;
    }
  }

  async findAccountById(id: string): Promise<AccountRecord | null> {
    const row = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? accountFromRow(row) : null;
  }

  async findAccountByEmail(email: string): Promise<AccountRecord | null> {
    const row = await this.#db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? accountFromRow(row) : null;
  }

  async countAccounts(): Promise<number> {
    const row = await this.#db
      .selectFrom('accounts')
      .select((builder) => builder.fn.countAll<number | bigint | string>().as('count'))
      .executeTakeFirstOrThrow();
    return toNumber(row.count);
  }

  async createApiKey(key: NewApiKey): Promise<ApiKeyRecord> {
    const record: ApiKeyRecord = { ...key, models: [...key.models], spent: 0n, revokedAt: null, updatedAt: key.createdAt };
    try {
      const row = await this.#db.insertInto('api_keys').values(apiKeyToRow(record)).returningAll().executeTakeFirstOrThrow();
      return apiKeyFromRow(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreConflictError('an API key with this hash or id already exists', { cause: error });
      }
      throw error;
    }
  }

  async findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.#db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
    return row ? apiKeyFromRow(row) : null;
  }

  /** Newest first. */
  async listApiKeys(accountId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(apiKeyFromRow);
  }

  /** False when the key is unknown or already revoked (its first revocation time is kept). */
  async revokeApiKey(id: string, at: number): Promise<boolean> {
    const rows = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: at, updated_at: bumpedUpdatedAt(at) })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  /** Oldest change first. */
  async listApiKeysUpdatedSince(since: number): Promise<ApiKeyRecord[]> {
    // Compiled once and run with each poll's bound: a poll runs twice a second on code gone cold
    // in between, and building the query was most of a cold poll's time.
    this.#keysUpdatedSince ??= this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('updated_at', '>', 0)
      .orderBy('updated_at', 'asc')
      .orderBy('id', 'asc')
      .compile().sql;
    const result = await this.#db.executeQuery<Selectable<Database['api_keys']>>(CompiledQuery.raw(this.#keysUpdatedSince, [since]));
    return result.rows.map(apiKeyFromRow);
  }

  async appendLedgerEntry(entry: LedgerEntry): Promise<boolean> {
    return this.#db.transaction().execute(async (transaction) => {
      const inserted = await transaction
        .insertInto('ledger_entries')
        .values(ledgerEntryToRow(entry))
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return false;
      await moveBalance(transaction, entry.accountId, entry.amount);
      return true;
    });
  }

  /** Newest first. */
  async listLedgerEntries(accountId: string, limit: number): Promise<LedgerEntry[]> {
    const rows = await this.#db
      .selectFrom('ledger_entries')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(ledgerEntryFromRow);
  }

  async verifyLedger(): Promise<BalanceDiscrepancy[]> {
    return (await this.ledger.verify()).discrepancies;
  }

  /**
   * Settles finished requests (and, from the settlement journal, the holds taken before them):
   * see `LedgerStore.settle`. A plain `Settlement` is a `LedgerRecord` without hold or attempts.
   * `journalLines` only serve the batch writer (the SQLite settlement thread).
   */
  async settle(batch: LedgerRecord[], journalLines?: Uint8Array): Promise<number> {
    const writer = this.#writer();
    return writer ? writer.settle(batch, journalLines) : this.ledger.settle(batch);
  }

  async findGeneration(id: string): Promise<GenerationRecord | null> {
    const row = await this.#db.selectFrom('generations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? generationFromRow(row) : null;
  }

  /** Newest first. */
  async listGenerations(accountId: string, limit: number): Promise<GenerationRecord[]> {
    const rows = await this.#db
      .selectFrom('generations')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(generationFromRow);
  }

  async #currentSchema(): Promise<string> {
    const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.#db);
    const schema = result.rows[0]?.schema;
    if (!schema) throw new Error('PostgreSQL has no current schema: check the search_path');
    return schema;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isConcurrentSchemaChange(error: unknown): boolean {
  return error instanceof Error && /(schema|relation|column) .* does not exist|concurrently|cache lookup failed/i.test(error.message);
}

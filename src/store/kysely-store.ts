/**
 * The one `Store` implementation, for SQLite and PostgreSQL alike. Every query here is written so
 * that the same SQL text runs on both engines; values read back are normalised in
 * `record-mapping.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Migrator, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import { staticMigrationProvider } from './migrations/index.js';
import {
  accountFromRow,
  apiKeyFromRow,
  apiKeyToRow,
  generationFromRow,
  generationToRow,
  ledgerEntryFromRow,
  ledgerEntryToRow,
} from './record-mapping.js';
import { toBigInt, toNumber } from './column-values.js';
import { isUniqueViolation, StoreConflictError } from './store-conflict-error.js';
import type {
  AccountRecord,
  ApiKeyRecord,
  BalanceDiscrepancy,
  GenerationRecord,
  LedgerEntry,
  NewAccount,
  NewApiKey,
  Settlement,
  Store,
} from './store.js';

export type StoreDialect = Store['dialect'];

/** Rows per multi-row insert: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_CHUNK_ROWS = 200;

export class KyselyStore implements Store {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>, dialect: StoreDialect) {
    this.#db = db;
    this.dialect = dialect;
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
    const { error, results } = await migrator.migrateToLatest();
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
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .where('updated_at', '>', since)
      .orderBy('updated_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(apiKeyFromRow);
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
    const ledgerSum = sql<bigint | number | string>`coalesce(sum(ledger_entries.amount), 0)`;
    const rows = await this.#db
      .selectFrom('accounts')
      .leftJoin('ledger_entries', 'ledger_entries.account_id', 'accounts.id')
      .select(['accounts.id', 'accounts.email', 'accounts.balance', ledgerSum.as('ledger_sum')])
      .groupBy(['accounts.id', 'accounts.email', 'accounts.balance'])
      .having(sql<boolean>`accounts.balance <> ${ledgerSum}`)
      .orderBy('accounts.id')
      .execute();
    return rows.map((row) => ({
      accountId: row.id,
      email: row.email,
      balance: toBigInt(row.balance),
      ledgerSum: toBigInt(row.ledger_sum),
    }));
  }

  async settle(batch: Settlement[]): Promise<number> {
    const settlements = uniqueByGenerationId(batch);
    for (const settlement of settlements) {
      if (settlement.charge < 0n) {
        throw new RangeError(`negative charge for generation ${settlement.generation.id}`);
      }
    }
    if (settlements.length === 0) return 0;
    return this.#db.transaction().execute(async (transaction) => {
      const newGenerationIds = new Set<string>();
      for (const chunk of chunked(settlements, INSERT_CHUNK_ROWS)) {
        const rows = await transaction
          .insertInto('generations')
          .values(chunk.map((settlement) => generationToRow(settlement.generation)))
          .onConflict((conflict) => conflict.column('id').doNothing())
          .returning('id')
          .execute();
        for (const row of rows) newGenerationIds.add(row.id);
      }
      const charged = settlements.filter(
        (settlement) => settlement.charge > 0n && newGenerationIds.has(settlement.generation.id),
      );
      await chargeAccounts(transaction, charged);
      await addToKeysSpent(transaction, charged);
      return newGenerationIds.size;
    });
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

/** Writes the charge entries; the balance moves only by the entries actually inserted. */
async function chargeAccounts(transaction: Transaction<Database>, charged: Settlement[]): Promise<void> {
  const debits = new Map<string, bigint>();
  for (const chunk of chunked(charged, INSERT_CHUNK_ROWS)) {
    const rows = await transaction
      .insertInto('ledger_entries')
      .values(
        chunk.map((settlement) =>
          ledgerEntryToRow({
            id: randomUUID(),
            accountId: settlement.generation.accountId,
            kind: 'charge',
            amount: -settlement.charge,
            idempotencyKey: `charge:${settlement.generation.id}`,
            generationId: settlement.generation.id,
            note: null,
            createdAt: settlement.generation.createdAt,
          }),
        ),
      )
      .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
      .returning(['account_id', 'amount'])
      .execute();
    for (const row of rows) {
      debits.set(row.account_id, (debits.get(row.account_id) ?? 0n) + toBigInt(row.amount));
    }
  }
  // A fixed order of row locks keeps two concurrent batches from deadlocking each other.
  for (const accountId of [...debits.keys()].sort()) {
    await moveBalance(transaction, accountId, debits.get(accountId)!);
  }
}

async function addToKeysSpent(transaction: Transaction<Database>, charged: Settlement[]): Promise<void> {
  const spentByKey = new Map<string, bigint>();
  for (const settlement of charged) {
    const keyId = settlement.generation.keyId;
    if (keyId !== null) spentByKey.set(keyId, (spentByKey.get(keyId) ?? 0n) + settlement.charge);
  }
  // `spent` is read by key caches too, so its change bumps `updated_at` like any other update.
  const now = Date.now();
  for (const keyId of [...spentByKey.keys()].sort()) {
    const row = await transaction
      .updateTable('api_keys')
      .set({ spent: sql<bigint>`spent + ${spentByKey.get(keyId)!}`, updated_at: bumpedUpdatedAt(now) })
      .where('id', '=', keyId)
      .returning('spent')
      .executeTakeFirst();
    // A generation may name a key that no longer exists; its charge still stands on the account.
    if (row) assertExactInteger(row.spent, 'spent');
  }
}

async function moveBalance(transaction: Transaction<Database>, accountId: string, amount: bigint): Promise<void> {
  const row = await transaction
    .updateTable('accounts')
    .set({ balance: sql<bigint>`balance + ${amount}` })
    .where('id', '=', accountId)
    .returning('balance')
    .executeTakeFirst();
  if (!row) throw new Error(`no account ${accountId} to move the balance of`);
  assertExactInteger(row.balance, 'balance');
}

/**
 * SQLite turns integer arithmetic that overflows 64 bits into a float instead of failing
 * (PostgreSQL raises an error). Integers come back as bigint (SQLite, safe integers) or string
 * (PostgreSQL int8), so a plain number here is such a float; throwing rolls the transaction back.
 */
function assertExactInteger(value: bigint | number | string, column: string): void {
  if (typeof value === 'number') throw new RangeError(`${column} would leave the 64-bit integer range`);
}

/** `at`, or one past the previous value when that is not older, so `updated_at` always grows. */
function bumpedUpdatedAt(at: number): RawBuilder<number> {
  return sql<number>`case when updated_at >= ${at} then updated_at + 1 else ${at} end`;
}

function uniqueByGenerationId(batch: Settlement[]): Settlement[] {
  const byId = new Map<string, Settlement>();
  for (const settlement of batch) {
    if (!byId.has(settlement.generation.id)) byId.set(settlement.generation.id, settlement);
  }
  // Sorted so concurrent batches take their locks in the same order.
  return [...byId.values()].sort((left, right) => compareStrings(left.generation.id, right.generation.id));
}

function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function chunked<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

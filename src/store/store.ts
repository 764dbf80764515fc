/**
 * The persistence boundary. One interface; SQLite and PostgreSQL implement it (see
 * `kysely-store.ts`), and `test/store/store-contract.ts` holds the one suite both must pass.
 *
 * Money is always integer units of 10^-12 USD (`bigint`): see `src/metering/money.ts`.
 * Times are milliseconds since the epoch (`number`).
 */

export type AccountRole = 'admin' | 'user';

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string | null;
  role: AccountRole;
  /** Materialised sum of the account's ledger entries. */
  balance: bigint;
  disabled: boolean;
  createdAt: number;
  /** Account-wide requests per minute over all its keys; null or absent for none. */
  rpm?: number | null;
  /** Account-wide tokens per minute over all its keys; null or absent for none. */
  tpm?: number | null;
}

export interface NewAccount {
  id: string;
  email: string;
  passwordHash: string | null;
  role: AccountRole;
  createdAt: number;
}

export interface ApiKeyRecord {
  id: string;
  accountId: string;
  name: string;
  /** The first characters of the key, safe to show. */
  prefix: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  /** Allowed model ids; empty means all. */
  models: string[];
  /** Spending limit of this key, or null for none. */
  budget: bigint | null;
  spent: bigint;
  rpm: number | null;
  tpm: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  /** Changes on every update, so caches can find what changed. */
  updatedAt: number;
  /** Addresses and CIDR ranges the key may be used from; empty or absent means anywhere. */
  ipAllowlist?: string[];
  /** Over what period `budget` applies; absent means `total`. */
  budgetPeriod?: BudgetPeriod;
}

export type BudgetPeriod = 'total' | 'day' | 'week' | 'month';

export type NewApiKey = Omit<ApiKeyRecord, 'spent' | 'revokedAt' | 'updatedAt'>;

export type LedgerEntryKind = 'top_up' | 'hold' | 'release' | 'charge' | 'refund' | 'correction' | 'redemption';

export interface LedgerEntry {
  id: string;
  accountId: string;
  kind: LedgerEntryKind;
  /** Signed: credit is positive, spending negative. */
  amount: bigint;
  /** Unique across the ledger: appending the same key twice has no effect the second time. */
  idempotencyKey: string;
  /** The generation this entry belongs to, for charges and refunds. */
  generationId: string | null;
  note: string | null;
  createdAt: number;
}

export type GenerationStatus = 'success' | 'error' | 'cancelled';

/** One request through the gateway, as logged for usage and billing. */
export interface GenerationRecord {
  id: string;
  accountId: string;
  keyId: string | null;
  model: string;
  provider: string | null;
  channel: string | null;
  endpoint: string;
  status: GenerationStatus;
  httpStatus: number;
  errorCode: string | null;
  stream: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  usageEstimated: boolean;
  cost: bigint;
  latencyMs: number;
  /** Time to first token for streams; null otherwise. */
  ttftMs: number | null;
  attempts: number;
  createdAt: number;
}

/**
 * The outcome of one finished request: its record and, when it cost anything, its charge.
 * Settling is idempotent by `generation.id`: settling the same generation again changes nothing.
 */
export interface Settlement {
  generation: GenerationRecord;
  /** Positive amount to charge the account (and the key's `spent`); 0n for none. */
  charge: bigint;
}

export interface BalanceDiscrepancy {
  accountId: string;
  email: string;
  balance: bigint;
  ledgerSum: bigint;
}

export interface Store {
  /** Which engine is behind this store, for logs and readiness. */
  readonly dialect: 'sqlite' | 'postgres';

  /** Creates or upgrades the schema to the newest migration. */
  migrate(): Promise<void>;
  /** Succeeds when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;

  createAccount(account: NewAccount): Promise<AccountRecord>;
  findAccountById(id: string): Promise<AccountRecord | null>;
  findAccountByEmail(email: string): Promise<AccountRecord | null>;
  countAccounts(): Promise<number>;

  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRecord | null>;
  listApiKeys(accountId: string): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string, at: number): Promise<boolean>;
  /** Keys whose `updatedAt` is after `since` (for cache invalidation). */
  listApiKeysUpdatedSince(since: number): Promise<ApiKeyRecord[]>;

  /**
   * Appends an entry and moves the account's balance by its amount in one transaction.
   * Returns false (and changes nothing) when the idempotency key was already used.
   */
  appendLedgerEntry(entry: LedgerEntry): Promise<boolean>;
  listLedgerEntries(accountId: string, limit: number): Promise<LedgerEntry[]>;
  /** Accounts whose materialised balance differs from the sum of their entries. */
  verifyLedger(): Promise<BalanceDiscrepancy[]>;

  /**
   * Records finished requests in one transaction: each generation row, its charge ledger entry
   * (idempotency key `charge:<generation id>`), the balance and the key's `spent`. A settlement
   * whose generation is already stored is skipped whole, so replaying a batch is harmless.
   * Returns how many were new. `journalLines`, when given, is the batch as its settlement journal
   * lines (UTF-8, each ending in "\n", in batch order, in a buffer the engine may take): an engine
   * may move the batch as those bytes instead of the objects; the others ignore it.
   */
  settle(batch: Settlement[], journalLines?: Uint8Array): Promise<number>;
  findGeneration(id: string): Promise<GenerationRecord | null>;
  listGenerations(accountId: string, limit: number): Promise<GenerationRecord[]>;
}

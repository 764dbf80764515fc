/**
 * Kysely table types shared by the SQLite and PostgreSQL stores.
 *
 * Column names are snake_case as in the database. Reads are typed loosely on purpose: PostgreSQL
 * returns int8 (and SUM over it) as a string, while SQLite opened with safe integers returns every
 * INTEGER as a bigint. `kysely-store.ts` normalises each value when it maps a row to a record.
 */
import type { ColumnType } from 'kysely';

/** A signed 64-bit integer: money (units of 10^-12 USD) and times (ms since the epoch). */
export type Int64Column = ColumnType<bigint | number | string, bigint | number, bigint | number>;
export type NullableInt64Column = ColumnType<
  bigint | number | string | null,
  bigint | number | null,
  bigint | number | null
>;
/** A 32-bit integer: token counts, limits, statuses. */
export type Int32Column = ColumnType<number | bigint, number, number>;
export type NullableInt32Column = ColumnType<number | bigint | null, number | null, number | null>;
/** A boolean stored as integer 0 or 1 on both engines, so one query text works on both. */
export type FlagColumn = ColumnType<number | bigint, 0 | 1, 0 | 1>;
/** JSON kept as text on both engines. */
export type JsonTextColumn = ColumnType<string, string, string>;

export interface AccountsTable {
  id: string;
  email: string;
  password_hash: string | null;
  role: string;
  balance: Int64Column;
  disabled: FlagColumn;
  created_at: Int64Column;
  /** The account's group (price multiplier, channel pool); null for none. Migration 0005. */
  group_id: string | null;
  /** Account-wide rate limits (migration 0003); null for none. */
  rpm: NullableInt32Column;
  tpm: NullableInt32Column;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  hash: string;
  /** JSON array of model ids; empty means all. */
  models: JsonTextColumn;
  budget: NullableInt64Column;
  spent: Int64Column;
  rpm: NullableInt32Column;
  tpm: NullableInt32Column;
  expires_at: NullableInt64Column;
  revoked_at: NullableInt64Column;
  created_at: Int64Column;
  updated_at: Int64Column;
  /** JSON array of addresses and CIDR ranges; empty means anywhere (migration 0003). */
  ip_allowlist: ColumnType<string, string | undefined, string>;
  /** `total`, `day`, `week` or `month` (migration 0003). */
  budget_period: ColumnType<string, string | undefined, string>;
  /** Spent within the budget period that started at `period_start` (migration 0004). */
  period_spent: ColumnType<bigint | number | string, bigint | number | undefined, bigint | number>;
  period_start: ColumnType<bigint | number | string, bigint | number | undefined, bigint | number>;
}

export interface LedgerEntriesTable {
  id: string;
  account_id: string;
  kind: string;
  amount: Int64Column;
  idempotency_key: string;
  generation_id: string | null;
  note: string | null;
  created_at: Int64Column;
}

export interface GenerationsTable {
  id: string;
  account_id: string;
  key_id: string | null;
  model: string;
  provider: string | null;
  channel: string | null;
  endpoint: string;
  status: string;
  http_status: Int32Column;
  error_code: string | null;
  stream: FlagColumn;
  prompt_tokens: Int32Column;
  completion_tokens: Int32Column;
  cached_tokens: Int32Column;
  cache_write_tokens: Int32Column;
  reasoning_tokens: Int32Column;
  usage_estimated: FlagColumn;
  cost: Int64Column;
  latency_ms: Int32Column;
  ttft_ms: NullableInt32Column;
  attempts: Int32Column;
  created_at: Int64Column;
  /** The upstream attempts as JSON (`attempt-log-column.ts`); null before migration 0007 and for none. */
  attempt_log: string | null;
}

/** Upstream channels created in the console or the admin API (file-defined ones are not stored). */
export interface ChannelsTable {
  id: string;
  name: string;
  provider: string;
  base_url: string | null;
  /** The upstream credential, encrypted with the master secret; never stored in clear. */
  api_key_encrypted: string | null;
  /** JSON array of public model ids ("*" for all of the provider's catalog models). */
  models: JsonTextColumn;
  /** JSON object: public model id -> id sent upstream. */
  model_map: JsonTextColumn;
  /** JSON object of extra request headers. */
  headers: JsonTextColumn;
  priority: Int32Column;
  weight: Int32Column;
  timeout_ms: Int32Column;
  enabled: FlagColumn;
  created_at: Int64Column;
  updated_at: Int64Column;
}

/** Log-in sessions; `id` is the hex SHA-256 of the cookie's token, never the token itself. */
export interface SessionsTable {
  id: string;
  account_id: string;
  created_at: Int64Column;
  expires_at: Int64Column;
  last_seen_at: Int64Column;
}

/** Redemption codes: only a hash and a short prefix of each code are kept, like API keys. */
export interface RedemptionCodesTable {
  id: string;
  prefix: string;
  /** Hex SHA-256 of the whole code. */
  hash: string;
  amount: Int64Column;
  note: string | null;
  /** Codes created together share it. */
  batch_id: string;
  expires_at: NullableInt64Column;
  disabled: FlagColumn;
  redeemed_by: string | null;
  redeemed_at: NullableInt64Column;
  created_at: Int64Column;
}

/** Account groups: a price multiplier (exact decimal text) and the channels their accounts may use. */
export interface GroupsTable {
  id: string;
  name: string;
  price_multiplier: string;
  /** JSON array of channel names; empty means every channel. */
  channels: JsonTextColumn;
  created_at: Int64Column;
  updated_at: Int64Column;
}

/** Per-account low-balance threshold and whether the current crossing was already notified. */
export interface LowBalanceAlertsTable {
  account_id: string;
  /** Null: the notifier's default threshold applies. */
  threshold: NullableInt64Column;
  /** Set once the crossing below the threshold is notified; cleared when the balance recovers. */
  notified_at: NullableInt64Column;
}

/** Our price of a model set through the admin API: decimal text, USD per 1M (per image / request). */
export interface PriceOverridesTable {
  model_id: string;
  /** '' for the model's general price. */
  provider: string;
  input: string | null;
  output: string | null;
  cached_input: string | null;
  cache_write: string | null;
  reasoning: string | null;
  image: string | null;
  request: string | null;
  updated_at: Int64Column;
}

/** Holds stored and not released yet (migration 0004). */
export interface OpenHoldsTable {
  generation_id: string;
  account_id: string;
  key_id: string | null;
  amount: Int64Column;
  instance_id: string;
  model: string;
  endpoint: string;
  stream: FlagColumn;
  created_at: Int64Column;
}

/** Each upstream attempt of a generation (migration 0004). */
export interface GenerationAttemptsTable {
  generation_id: string;
  attempt: Int32Column;
  channel: string | null;
  provider: string | null;
  model: string;
  status: string;
  upstream_status: NullableInt32Column;
  error_code: string | null;
  error_message: string | null;
  latency_ms: Int32Column;
  started_at: Int64Column;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  ledger_entries: LedgerEntriesTable;
  generations: GenerationsTable;
  channels: ChannelsTable;
  open_holds: OpenHoldsTable;
  generation_attempts: GenerationAttemptsTable;
  sessions: SessionsTable;
  redemption_codes: RedemptionCodesTable;
  groups: GroupsTable;
  low_balance_alerts: LowBalanceAlertsTable;
  price_overrides: PriceOverridesTable;
}

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

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  ledger_entries: LedgerEntriesTable;
  generations: GenerationsTable;
  channels: ChannelsTable;
}

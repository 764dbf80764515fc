/** Converts between table rows and the records of `store.ts`. */
import type { Insertable, Selectable } from 'kysely';
import type {
  AccountsTable,
  ApiKeysTable,
  GenerationsTable,
  LedgerEntriesTable,
} from './database-schema.js';
import type {
  AccountRecord,
  AccountRole,
  ApiKeyRecord,
  BudgetPeriod,
  GenerationRecord,
  GenerationStatus,
  LedgerEntry,
  LedgerEntryKind,
} from './store.js';
import {
  fromFlag,
  parseStringArray,
  toBigInt,
  toFlag,
  toNullableBigInt,
  toNullableNumber,
  toNumber,
} from './column-values.js';

export function accountFromRow(row: Selectable<AccountsTable>): AccountRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    role: row.role as AccountRole,
    balance: toBigInt(row.balance),
    disabled: toFlag(row.disabled),
    createdAt: toNumber(row.created_at),
    rpm: toNullableNumber(row.rpm ?? null),
    tpm: toNullableNumber(row.tpm ?? null),
  };
}

export function apiKeyFromRow(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    models: parseStringArray(row.models),
    budget: toNullableBigInt(row.budget),
    spent: toBigInt(row.spent),
    rpm: toNullableNumber(row.rpm),
    tpm: toNullableNumber(row.tpm),
    expiresAt: toNullableNumber(row.expires_at),
    revokedAt: toNullableNumber(row.revoked_at),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
    ipAllowlist: parseStringArray(row.ip_allowlist ?? '[]'),
    budgetPeriod: (row.budget_period ?? 'total') as BudgetPeriod,
  };
}

export function apiKeyToRow(key: ApiKeyRecord): Insertable<ApiKeysTable> {
  return {
    id: key.id,
    account_id: key.accountId,
    name: key.name,
    prefix: key.prefix,
    hash: key.hash,
    models: JSON.stringify(key.models),
    budget: key.budget,
    spent: key.spent,
    rpm: key.rpm,
    tpm: key.tpm,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
    created_at: key.createdAt,
    updated_at: key.updatedAt,
    ip_allowlist: JSON.stringify(key.ipAllowlist ?? []),
    budget_period: key.budgetPeriod ?? 'total',
  };
}

export function ledgerEntryFromRow(row: Selectable<LedgerEntriesTable>): LedgerEntry {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind as LedgerEntryKind,
    amount: toBigInt(row.amount),
    idempotencyKey: row.idempotency_key,
    generationId: row.generation_id,
    note: row.note,
    createdAt: toNumber(row.created_at),
  };
}

export function ledgerEntryToRow(entry: LedgerEntry): Insertable<LedgerEntriesTable> {
  return {
    id: entry.id,
    account_id: entry.accountId,
    kind: entry.kind,
    amount: entry.amount,
    idempotency_key: entry.idempotencyKey,
    generation_id: entry.generationId,
    note: entry.note,
    created_at: entry.createdAt,
  };
}

export function generationFromRow(row: Selectable<GenerationsTable>): GenerationRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    keyId: row.key_id,
    model: row.model,
    provider: row.provider,
    channel: row.channel,
    endpoint: row.endpoint,
    status: row.status as GenerationStatus,
    httpStatus: toNumber(row.http_status),
    errorCode: row.error_code,
    stream: toFlag(row.stream),
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    cachedTokens: toNumber(row.cached_tokens),
    cacheWriteTokens: toNumber(row.cache_write_tokens),
    reasoningTokens: toNumber(row.reasoning_tokens),
    usageEstimated: toFlag(row.usage_estimated),
    cost: toBigInt(row.cost),
    latencyMs: toNumber(row.latency_ms),
    ttftMs: toNullableNumber(row.ttft_ms),
    attempts: toNumber(row.attempts),
    createdAt: toNumber(row.created_at),
  };
}

/** `attemptLog`: the column's text (`encodeAttemptLog`), null for a generation without attempts. */
export function generationToRow(generation: GenerationRecord, attemptLog: string | null = null): Insertable<GenerationsTable> {
  return {
    id: generation.id,
    account_id: generation.accountId,
    key_id: generation.keyId,
    model: generation.model,
    provider: generation.provider,
    channel: generation.channel,
    endpoint: generation.endpoint,
    status: generation.status,
    http_status: generation.httpStatus,
    error_code: generation.errorCode,
    stream: fromFlag(generation.stream),
    prompt_tokens: generation.promptTokens,
    completion_tokens: generation.completionTokens,
    cached_tokens: generation.cachedTokens,
    cache_write_tokens: generation.cacheWriteTokens,
    reasoning_tokens: generation.reasoningTokens,
    usage_estimated: fromFlag(generation.usageEstimated),
    cost: generation.cost,
    latency_ms: generation.latencyMs,
    ttft_ms: generation.ttftMs,
    attempts: generation.attempts,
    created_at: generation.createdAt,
    attempt_log: attemptLog,
  };
}

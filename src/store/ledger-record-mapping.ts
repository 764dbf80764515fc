/** Converts between the ledger store's rows and its records (holds, attempts). */
import type { Insertable, Selectable } from 'kysely';
import type { GenerationAttemptsTable, OpenHoldsTable } from './database-schema.js';
import { boundedMessage } from './attempt-log-column.js';
import { fromFlag, toBigInt, toFlag, toNullableNumber, toNumber } from './column-values.js';
import type { AttemptRecord, AttemptStatus, HoldRecord } from './ledger-store.js';
import type { GenerationRecord } from './store.js';

export function holdToRow(hold: HoldRecord): Insertable<OpenHoldsTable> {
  return {
    generation_id: hold.generationId,
    account_id: hold.accountId,
    key_id: hold.keyId,
    amount: hold.amount,
    instance_id: hold.instanceId,
    model: hold.model,
    endpoint: hold.endpoint,
    stream: fromFlag(hold.stream),
    created_at: hold.createdAt,
  };
}

export function holdFromRow(row: Selectable<OpenHoldsTable>): HoldRecord {
  return {
    generationId: row.generation_id,
    accountId: row.account_id,
    keyId: row.key_id,
    amount: toBigInt(row.amount),
    instanceId: row.instance_id,
    model: row.model,
    endpoint: row.endpoint,
    stream: toFlag(row.stream),
    createdAt: toNumber(row.created_at),
  };
}

export function attemptToRow(generationId: string, attempt: AttemptRecord): Insertable<GenerationAttemptsTable> {
  return {
    generation_id: generationId,
    attempt: attempt.attempt,
    channel: attempt.channel,
    provider: attempt.provider,
    model: attempt.model,
    status: attempt.status,
    upstream_status: attempt.upstreamStatus,
    error_code: attempt.errorCode,
    error_message: boundedMessage(attempt.errorMessage),
    latency_ms: attempt.latencyMs,
    started_at: attempt.startedAt,
  };
}

export function attemptFromRow(row: Selectable<GenerationAttemptsTable>): AttemptRecord {
  return {
    attempt: toNumber(row.attempt),
    channel: row.channel,
    provider: row.provider,
    model: row.model,
    status: row.status as AttemptStatus,
    upstreamStatus: toNullableNumber(row.upstream_status),
    errorCode: row.error_code,
    errorMessage: row.error_message,
    latencyMs: toNumber(row.latency_ms),
    startedAt: toNumber(row.started_at),
  };
}

/** The record of a request whose gateway process died before it ended: logged, not charged. */
export function interruptedGeneration(hold: HoldRecord, at: number): GenerationRecord {
  return {
    id: hold.generationId,
    accountId: hold.accountId,
    keyId: hold.keyId,
    model: hold.model,
    provider: null,
    channel: null,
    endpoint: hold.endpoint,
    status: 'error',
    httpStatus: 500,
    errorCode: 'interrupted',
    stream: hold.stream,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    usageEstimated: false,
    cost: 0n,
    latencyMs: Math.max(0, Math.min(at - hold.createdAt, 2_147_483_647)),
    ttftMs: null,
    attempts: 0,
    createdAt: hold.createdAt,
  };
}

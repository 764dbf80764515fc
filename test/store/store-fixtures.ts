/** Record builders for the store tests: valid defaults, overridable per test. */
import { randomUUID } from 'node:crypto';
import type { AttemptRecord } from '../../src/store/ledger-store.js';
import type { GenerationRecord, LedgerEntry, NewAccount, NewApiKey, Settlement } from '../../src/store/store.js';

export const BASE_TIME = 1_700_000_000_000;

export function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
  const id = overrides.id ?? randomUUID();
  return { id, email: `${id}@example.test`, passwordHash: null, role: 'user', createdAt: BASE_TIME, ...overrides };
}

export function newApiKey(accountId: string, overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    id: randomUUID(),
    accountId,
    name: 'default',
    prefix: 'sk-sy-abcd',
    hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    models: [],
    budget: null,
    rpm: null,
    tpm: null,
    expiresAt: null,
    createdAt: BASE_TIME,
    ...overrides,
  };
}

export function ledgerEntry(accountId: string, amount: bigint, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: randomUUID(),
    accountId,
    kind: amount >= 0n ? 'top_up' : 'correction',
    amount,
    idempotencyKey: `test:${randomUUID()}`,
    generationId: null,
    note: null,
    createdAt: BASE_TIME,
    ...overrides,
  };
}

export function generation(accountId: string, overrides: Partial<GenerationRecord> = {}): GenerationRecord {
  return {
    id: `gen-${randomUUID()}`,
    accountId,
    keyId: null,
    model: 'gpt-4o-mini',
    provider: 'openai',
    channel: 'openai-main',
    endpoint: '/v1/chat/completions',
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    stream: true,
    promptTokens: 120,
    completionTokens: 30,
    cachedTokens: 64,
    cacheWriteTokens: 0,
    reasoningTokens: 10,
    usageEstimated: false,
    cost: 0n,
    latencyMs: 850,
    ttftMs: 210,
    attempts: 1,
    createdAt: BASE_TIME,
    ...overrides,
  };
}

/** A settlement whose generation cost equals its charge. */
export function settlement(accountId: string, charge: bigint, overrides: Partial<GenerationRecord> = {}): Settlement {
  return { generation: generation(accountId, { cost: charge, ...overrides }), charge };
}

/** One upstream attempt that succeeded at once. */
export function attemptRecord(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    attempt: 1,
    channel: 'openai-main',
    provider: 'openai',
    model: 'gpt-4o-mini',
    status: 'success',
    upstreamStatus: null,
    errorCode: null,
    errorMessage: null,
    latencyMs: 40,
    startedAt: BASE_TIME,
    ...overrides,
  };
}

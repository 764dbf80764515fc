/** Callers for the key governance tests: a key and its account with the limits a test needs. */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../../src/accounts/api-key-authenticator.js';
import { isGatewayError, type GatewayError } from '../../src/core/index.js';

export interface CallerSettings {
  keyId?: string;
  accountId?: string;
  models?: string[];
  ipAllowlist?: string[];
  keyRpm?: number | null;
  keyTpm?: number | null;
  accountRpm?: number | null;
  accountTpm?: number | null;
}

export function callerWith(settings: CallerSettings = {}): Caller {
  const accountId = settings.accountId ?? `acct_${randomUUID()}`;
  return {
    key: {
      id: settings.keyId ?? `key_${randomUUID()}`,
      accountId,
      name: 'test',
      prefix: 'sk-sy-test',
      hash: randomUUID(),
      models: settings.models ?? [],
      ipAllowlist: settings.ipAllowlist ?? [],
      budget: null,
      spent: 0n,
      rpm: settings.keyRpm ?? null,
      tpm: settings.keyTpm ?? null,
      expiresAt: null,
      revokedAt: null,
      createdAt: 0,
      updatedAt: 0,
    },
    account: {
      id: accountId,
      email: `${accountId}@example.test`,
      passwordHash: null,
      role: 'user',
      balance: 0n,
      disabled: false,
      createdAt: 0,
      rpm: settings.accountRpm ?? null,
      tpm: settings.accountTpm ?? null,
    },
  };
}

/** The GatewayError a call was refused with; fails the test when it was admitted. */
export async function refusalOf(call: Promise<unknown>): Promise<GatewayError> {
  try {
    await call;
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the request was admitted');
}

/** A logger that keeps what it was told. */
export function recordingLogger() {
  const warnings: string[] = [];
  const notes: string[] = [];
  return {
    warnings,
    notes,
    warn: (_object: object, message: string) => void warnings.push(message),
    info: (_object: object, message: string) => void notes.push(message),
  };
}

/**
 * Persistence of key governance: changing a key's settings, finding a key by id, and the
 * account-wide rate limits. Creating, listing and revoking keys stay on `Store`.
 */
import type { ApiKeyRecord, BudgetPeriod } from './store.js';

/** The settings of a key that can change after creation; absent fields stay as they are. */
export interface ApiKeyChanges {
  name?: string;
  models?: string[];
  ipAllowlist?: string[];
  budget?: bigint | null;
  budgetPeriod?: BudgetPeriod;
  rpm?: number | null;
  tpm?: number | null;
  expiresAt?: number | null;
}

export interface AccountRateLimits {
  rpm: number | null;
  tpm: number | null;
}

export interface KeyGovernanceStore {
  findApiKeyById(id: string): Promise<ApiKeyRecord | null>;
  /**
   * Applies the changes and moves `updatedAt` forward (so caches of other processes pick the key
   * up). Returns the updated key, or null when there is no such key.
   */
  updateApiKey(id: string, changes: ApiKeyChanges, at: number): Promise<ApiKeyRecord | null>;
  /** Null when there is no such account. */
  findAccountRateLimits(accountId: string): Promise<AccountRateLimits | null>;
  /** Sets both limits (null for none); false when there is no such account. */
  setAccountRateLimits(accountId: string, limits: AccountRateLimits): Promise<boolean>;
}

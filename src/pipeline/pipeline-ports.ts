import type { ProviderAdapter } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import type { PriceRatio } from '../accounts/account-group-pricing.js';
import type { Settlement } from '../store/store.js';
import type { JournalWritten } from '../store/ledger-store.js';

/** The narrow views of other modules that the request pipeline needs. */
export interface SettlementSink {
  /**
   * Journals the settlement (with the others of this turn of the event loop), then stores it in
   * the background. The promise resolves once it is in the journal; null when it already is.
   */
  record(settlement: Settlement): JournalWritten;
  /** Charges recorded but not yet in the store, per account. */
  pendingCharges(accountId: string): bigint;
  /** Writes everything recorded so far to the store. */
  flush(): Promise<void>;
}

export interface AdapterLookup {
  adapterFor(providerId: string): ProviderAdapter | undefined;
}

/**
 * What an account's and key's governance adds to a request: limits checked before it goes
 * upstream, the tokens it used counted after, and the account group's channel pool and price
 * multiplier. Implemented by the composition root over the key governance and group modules.
 */
export interface AccountPolicy {
  /**
   * Throws (or rejects with) the contract's 403 / 429 when the key's IP allowlist or the rate
   * limits refuse. Returns undefined when the request was admitted at once, with nothing to count.
   */
  admit(caller: Caller, facts: { clientAddress: () => string | null; estimatedPromptTokens: () => number }): Promise<void> | undefined;
  recordTokens(caller: Caller, tokens: number): void;
  /** The channels this account may use; null means all. */
  channelPool(accountId: string): ReadonlySet<string> | null;
  priceMultiplier(accountId: string): PriceRatio;
}

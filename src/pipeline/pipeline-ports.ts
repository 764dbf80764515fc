import type { ProviderAdapter } from '../core/index.js';
import type { Settlement } from '../store/store.js';

/** The narrow views of other modules that the request pipeline needs. */
export interface SettlementSink {
  /** Makes the settlement durable before returning (journal), then stores it in the background. */
  record(settlement: Settlement): void;
  /** Charges recorded but not yet in the store, per account. */
  pendingCharges(accountId: string): bigint;
  /** Writes everything recorded so far to the store. */
  flush(): Promise<void>;
}

export interface AdapterLookup {
  adapterFor(providerId: string): ProviderAdapter | undefined;
}

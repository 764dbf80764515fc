/**
 * Reads of the ledger that credit management needs beyond `Store`: one entry by its idempotency
 * key (to answer a repeated top-up with the entry it already made) and pages of an account's entries.
 */
import type { LedgerEntry } from './store.js';

export interface LedgerPage {
  entries: LedgerEntry[];
  /** All entries of the account, for paging controls. */
  total: number;
}

export interface LedgerHistoryStore {
  findLedgerEntryByIdempotencyKey(idempotencyKey: string): Promise<LedgerEntry | null>;
  /** Newest first. */
  listLedgerPage(accountId: string, limit: number, offset: number): Promise<LedgerPage>;
}

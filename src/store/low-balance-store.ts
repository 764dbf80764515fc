/** Low-balance thresholds per account, and which accounts were already told about being below. */

export interface BalanceWatch {
  accountId: string;
  email: string;
  balance: bigint;
  /** The account's own threshold; null when the default applies. */
  threshold: bigint | null;
  /** When the current stay below the threshold was notified; null when it was not (or it ended). */
  notifiedAt: number | null;
}

export interface LowBalanceStore {
  /** The watch state of each existing account among `accountIds`. */
  listBalanceWatches(accountIds: readonly string[]): Promise<BalanceWatch[]>;
  /**
   * Marks the account notified unless it already is. True for the one caller that set the mark,
   * so each stay below the threshold is notified at most once, even from several processes.
   */
  claimLowBalanceNotice(accountId: string, at: number): Promise<boolean>;
  /** Ends the stay below the threshold of these accounts, so the next crossing notifies again. */
  clearLowBalanceNotices(accountIds: readonly string[]): Promise<void>;
  /** Null to fall back to the default. */
  setLowBalanceThreshold(accountId: string, threshold: bigint | null): Promise<void>;
  getLowBalanceThreshold(accountId: string): Promise<bigint | null>;
}

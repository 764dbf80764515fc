/**
 * Redemption codes: prepaid credit handed out as codes, each usable once. Only a hash of each
 * code and a short prefix are stored, like API keys, so the table leaks no usable code.
 */

export interface RedemptionCodeRecord {
  id: string;
  /** The first characters of the code, safe to show. */
  prefix: string;
  /** Units of 10^-12 USD credited on redemption. */
  amount: bigint;
  note: string | null;
  batchId: string;
  expiresAt: number | null;
  disabled: boolean;
  redeemedBy: string | null;
  redeemedAt: number | null;
  createdAt: number;
}

export interface NewRedemptionCode {
  id: string;
  prefix: string;
  /** Hex SHA-256 of the normalised code. */
  hash: string;
  amount: bigint;
  note: string | null;
  batchId: string;
  expiresAt: number | null;
  createdAt: number;
}

export type RedemptionOutcome =
  | { status: 'redeemed'; code: RedemptionCodeRecord; balance: bigint }
  /** Unknown, already used or disabled: told apart to nobody, so codes cannot be probed. */
  | { status: 'unavailable' }
  | { status: 'expired' };

export interface RedemptionCodeQuery {
  limit: number;
  offset: number;
  batchId?: string;
}

export interface RedemptionCodeStore {
  /** Inserts a whole batch in one transaction. */
  createRedemptionCodes(codes: NewRedemptionCode[]): Promise<void>;
  /** Newest first. */
  listRedemptionCodes(query: RedemptionCodeQuery): Promise<{ codes: RedemptionCodeRecord[]; total: number }>;
  /** Null when there is no such code. Disabling a redeemed code changes nothing about its credit. */
  disableRedemptionCode(id: string): Promise<RedemptionCodeRecord | null>;
  /**
   * Marks the code redeemed by the account and credits it (ledger kind `redemption`, idempotency key
   * `redemption:<code id>`) in one transaction. The mark is a conditional update, so of two
   * concurrent redemptions of one code exactly one succeeds.
   */
  redeemRedemptionCode(hash: string, accountId: string, now: number, ledgerEntryId: string): Promise<RedemptionOutcome>;
}

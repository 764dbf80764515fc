/**
 * The one way credit enters an account from outside the request path: payment webhooks, admin
 * grants and corrections, redemptions. Idempotent by key: the same key twice credits once, so a
 * payment provider's retried webhook (same payment id) can never add the amount twice.
 */
import { GatewayError } from '../core/index.js';
import type { LedgerHistoryStore } from '../store/ledger-history-store.js';
import { newLedgerEntryId } from '../store/ledger-entry-id.js';
import type { LedgerEntry, Store } from '../store/store.js';

export type CreditKind = 'top_up' | 'correction' | 'redemption';

export interface CreditRequest {
  accountId: string;
  /** Units of 10^-12 USD. Positive for top-ups and redemptions; either sign for corrections. */
  amount: bigint;
  kind: CreditKind;
  /** Unique per credit within its kind, e.g. the payment provider's payment id. */
  idempotencyKey: string;
  /** Why; required for corrections. */
  note?: string | null;
}

export interface CreditResult {
  /** False when this idempotency key had credited already (nothing changed this time). */
  credited: boolean;
  /** The ledger entry of this credit: the new one, or the one made the first time. */
  entry: LedgerEntry;
  /** The account's stored balance after the credit. */
  balance: bigint;
}

export interface CreditDependencies {
  store: Pick<Store, 'appendLedgerEntry' | 'findAccountById'>;
  history: Pick<LedgerHistoryStore, 'findLedgerEntryByIdempotencyKey'>;
  now?: () => number;
  /** Called after a new credit is stored, e.g. to drop the account from caches so it is seen at once. */
  onCredited?: (accountId: string) => void;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** The ledger's idempotency key of a credit: its kind, then the caller's key. */
export function creditLedgerKey(kind: CreditKind, idempotencyKey: string): string {
  return `${kind}:${idempotencyKey}`;
}

export async function creditAccount(dependencies: CreditDependencies, request: CreditRequest): Promise<CreditResult> {
  const note = request.note?.trim() || null;
  validateCredit(request, note);
  const account = await dependencies.store.findAccountById(request.accountId);
  if (!account) throw new GatewayError('not_found', `No account with id '${request.accountId}'.`);
  const entry: LedgerEntry = {
    id: newLedgerEntryId(),
    accountId: request.accountId,
    kind: request.kind,
    amount: request.amount,
    idempotencyKey: creditLedgerKey(request.kind, request.idempotencyKey),
    generationId: null,
    note,
    createdAt: (dependencies.now ?? Date.now)(),
  };
  const credited = await dependencies.store.appendLedgerEntry(entry);
  let stored = entry;
  if (!credited) {
    const existing = await dependencies.history.findLedgerEntryByIdempotencyKey(entry.idempotencyKey);
    if (!existing) throw new Error(`ledger entry ${entry.idempotencyKey} was refused but cannot be found`);
    if (existing.accountId !== request.accountId || existing.amount !== request.amount) {
      throw new GatewayError('conflict', 'This idempotency key was already used for a different credit.', {
        param: 'idempotency_key',
      });
    }
    stored = existing;
  } else {
    dependencies.onCredited?.(request.accountId);
  }
  const after = await dependencies.store.findAccountById(request.accountId);
  return { credited, entry: stored, balance: after?.balance ?? account.balance };
}

function validateCredit(request: CreditRequest, note: string | null): void {
  if (request.amount === 0n) {
    throw new GatewayError('invalid_request', 'amount must not be zero.', { param: 'amount' });
  }
  if (request.kind !== 'correction' && request.amount < 0n) {
    throw new GatewayError('invalid_request', `amount of a ${request.kind} must be positive; use a correction to take credit away.`, {
      param: 'amount',
    });
  }
  if (request.kind === 'correction' && note === null) {
    throw new GatewayError('invalid_request', 'note is required for a correction.', { param: 'note' });
  }
  const key = request.idempotencyKey;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new GatewayError('invalid_request', `idempotency_key must have 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, {
      param: 'idempotency_key',
    });
  }
}

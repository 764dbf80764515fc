import { unitsToUsdNumber } from '../../metering/money.js';
import type { LedgerEntry } from '../../store/store.js';

/** A ledger entry on the wire: USD amounts, ISO times. Admins also see the idempotency key. */
export function encodeLedgerEntry(entry: LedgerEntry, forAdmin: boolean) {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: unitsToUsdNumber(entry.amount),
    note: entry.note,
    generation_id: entry.generationId,
    created_at: new Date(entry.createdAt).toISOString(),
    ...(forAdmin ? { account_id: entry.accountId, idempotency_key: entry.idempotencyKey } : {}),
  };
}

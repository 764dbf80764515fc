import { unitsToUsdNumber } from '../../metering/money.js';
import type { AccountRecord } from '../../store/store.js';

/** An account as its owner sees it. The password hash is never part of any answer. */
export function encodeAccount(account: AccountRecord, balance: bigint = account.balance) {
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    balance: unitsToUsdNumber(balance),
    created_at: new Date(account.createdAt).toISOString(),
  };
}

/** An account as an administrator sees it. */
export function encodeAccountForAdmin(account: AccountRecord) {
  return { ...encodeAccount(account), disabled: account.disabled, can_log_in: account.passwordHash !== null };
}

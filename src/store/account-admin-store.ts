/** The account reads and writes of sign-in and administration (see `kysely-account-admin-store.ts`). */
import type { AccountRecord, AccountRole } from './store.js';

export interface AccountListQuery {
  limit: number;
  offset: number;
  /** Part of an email (any case) or a whole account id; empty or undefined lists all. */
  search?: string | undefined;
}

export interface AccountPage {
  /** Newest first. */
  accounts: AccountRecord[];
  /** How many accounts match the query in all. */
  total: number;
}

export interface AccountChanges {
  role?: AccountRole;
  disabled?: boolean;
  passwordHash?: string | null;
}

export interface AccountAdminStore {
  /** The account whose email equals `email` ignoring case. */
  findAccountByEmailIgnoringCase(email: string): Promise<AccountRecord | null>;
  listAccounts(query: AccountListQuery): Promise<AccountPage>;
  /** Applies the changes given; null when there is no such account. */
  updateAccount(id: string, changes: AccountChanges): Promise<AccountRecord | null>;
}

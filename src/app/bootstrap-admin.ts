import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.js';
import { generatePassword, hashPassword } from '../accounts/password-hash.js';

export interface BootstrappedAdmin {
  email: string;
  /** Set only when it was generated now: it is printed once and never stored in clear. */
  generatedPassword: string | null;
}

/** Creates the first admin account when the store has no account at all. */
export async function bootstrapAdmin(store: Store, email: string, password: string | undefined): Promise<BootstrappedAdmin | null> {
  if ((await store.countAccounts()) > 0) return null;
  const chosen = password ?? generatePassword();
  await store.createAccount({
    id: newAccountId(),
    email,
    passwordHash: await hashPassword(chosen),
    role: 'admin',
    createdAt: Date.now(),
  });
  return { email, generatedPassword: password ? null : chosen };
}

export function newAccountId(): string {
  return `acct_${randomUUID().replaceAll('-', '')}`;
}

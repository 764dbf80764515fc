import { describe, expect, it } from 'vitest';
import { ApiKeyAuthenticator } from '../../src/accounts/api-key-authenticator.js';
import { hashApiKey } from '../../src/accounts/api-key-format.js';
import type { AccountRecord, ApiKeyRecord, Store } from '../../src/store/store.js';

const rawKey = 'sk-test-authenticator';

function storeWith(account: AccountRecord): {
  store: Store;
  accountReads: () => number;
  setAccount: (next: AccountRecord) => void;
  revokeKey: () => void;
} {
  let current = account;
  let reads = 0;
  let key: ApiKeyRecord = {
    id: 'key-1',
    accountId: account.id,
    name: 'k',
    prefix: 'sk-test',
    hash: hashApiKey(rawKey),
    models: [],
    budget: null,
    spent: 0n,
    rpm: null,
    tpm: null,
    expiresAt: null,
    revokedAt: null,
    createdAt: 0,
    updatedAt: 0,
  };
  const store = {
    findApiKeyByHash: async (hash: string) => (hash === key.hash ? key : null),
    findAccountById: async () => {
      reads += 1;
      return current;
    },
    listApiKeysUpdatedSince: async () => (key.revokedAt === null ? [] : [key]),
  } as unknown as Store;
  return { store, accountReads: () => reads, setAccount: (next) => (current = next), revokeKey: () => (key = { ...key, revokedAt: 5, updatedAt: 5 }) };
}

const afterNextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

describe('ApiKeyAuthenticator', () => {
  it('serves a stale account from memory and reads it again only after the request has moved on', async () => {
    const account: AccountRecord = { id: 'acct-1', email: 'a@example.com', passwordHash: null, role: 'user', balance: 100n, disabled: false, createdAt: 0 };
    const { store, accountReads, setAccount } = storeWith(account);
    let now = 1_000;
    const authenticator = new ApiKeyAuthenticator(store, { accountMaxAgeMs: 1_000, now: () => now });

    expect((await authenticator.authenticate(rawKey)).account.balance).toBe(100n);
    expect(accountReads()).toBe(1);

    setAccount({ ...account, balance: 40n });
    now += 1_001;
    // Stale: the cached copy answers, and no read has run by the time the caller continues.
    expect((await authenticator.authenticate(rawKey)).account.balance).toBe(100n);
    expect(accountReads()).toBe(1);

    await afterNextTurn();
    expect(accountReads()).toBe(2);
    expect((await authenticator.authenticate(rawKey)).account.balance).toBe(40n);
    // Fresh again: no further read.
    expect(accountReads()).toBe(2);
  });

  it('refuses a remembered key once the poll has seen it revoked', async () => {
    const account: AccountRecord = { id: 'acct-3', email: 'c@example.com', passwordHash: null, role: 'user', balance: 1n, disabled: false, createdAt: 0 };
    const { store, revokeKey } = storeWith(account);
    const authenticator = new ApiKeyAuthenticator(store);
    await authenticator.authenticate(rawKey);
    revokeKey();
    await authenticator.poll();
    await expect(authenticator.authenticate(rawKey)).rejects.toMatchObject({ code: 'invalid_api_key', message: 'This API key has been revoked.' });
  });
});

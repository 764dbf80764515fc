/**
 * The one suite every `Store` engine must pass. Each test gets a fresh, migrated store from the
 * factory; `setBalance` writes a balance directly (bypassing the ledger) to simulate tampering.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../src/store/store-conflict-error.js';
import type { Store } from '../../src/store/store.js';
import { BASE_TIME, generation, ledgerEntry, newAccount, newApiKey, settlement } from './store-fixtures.js';

export interface StoreUnderTest {
  store: Store;
  setBalance(accountId: string, balance: bigint): Promise<void>;
  dispose(): Promise<void>;
}

const LARGE_AMOUNT = 9_000_000_000_000_000_000n;
const NEAR_INT64_MAX = 9_200_000_000_000_000_000n;

export function runStoreContract(dialect: Store['dialect'], openFreshStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract (${dialect})`, () => {
    let subject: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      subject = await openFreshStore();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    async function createAccountWithCredit(credit: bigint) {
      const account = await store.createAccount(newAccount());
      if (credit !== 0n) await store.appendLedgerEntry(ledgerEntry(account.id, credit));
      return account;
    }

    describe('lifecycle', () => {
      it('reports its dialect and answers a ping', async () => {
        expect(store.dialect).toBe(dialect);
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('migrates a second time without harm and keeps the data', async () => {
        const account = await store.createAccount(newAccount());
        await store.migrate();
        await store.migrate();
        expect(await store.findAccountById(account.id)).toEqual(account);
      });
    });

    describe('accounts', () => {
      it('creates an account with zero balance and finds it by id and by email', async () => {
        const input = newAccount({ role: 'admin', passwordHash: 'scrypt$abc' });
        const created = await store.createAccount(input);
        expect(created).toEqual({ ...input, balance: 0n, disabled: false, rpm: null, tpm: null });
        expect(await store.findAccountById(input.id)).toEqual(created);
        expect(await store.findAccountByEmail(input.email)).toEqual(created);
      });

      it('returns null for unknown accounts', async () => {
        expect(await store.findAccountById('missing')).toBeNull();
        expect(await store.findAccountByEmail('nobody@example.test')).toBeNull();
      });

      it('rejects a second account with the same email', async () => {
        await store.createAccount(newAccount({ email: 'same@example.test' }));
        await expect(store.createAccount(newAccount({ email: 'same@example.test' }))).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await store.countAccounts()).toBe(1);
      });

      it('counts accounts', async () => {
        expect(await store.countAccounts()).toBe(0);
        await store.createAccount(newAccount());
        await store.createAccount(newAccount());
        expect(await store.countAccounts()).toBe(2);
      });
    });

    describe('API keys', () => {
      it('creates a key and finds it by hash with every field intact', async () => {
        const account = await store.createAccount(newAccount());
        const input = newApiKey(account.id, {
          models: ['gpt-4o', 'claude-sonnet-4'],
          budget: LARGE_AMOUNT,
          rpm: 60,
          tpm: 100_000,
          expiresAt: BASE_TIME + 86_400_000,
          ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'],
          budgetPeriod: 'day',
        });
        const created = await store.createApiKey(input);
        expect(created).toEqual({ ...input, spent: 0n, revokedAt: null, updatedAt: input.createdAt });
        expect(await store.findApiKeyByHash(input.hash)).toEqual(created);
        expect(await store.findApiKeyByHash('0'.repeat(64))).toBeNull();
      });

      it('rejects a second key with the same hash', async () => {
        const account = await store.createAccount(newAccount());
        const first = await store.createApiKey(newApiKey(account.id));
        await expect(store.createApiKey(newApiKey(account.id, { hash: first.hash }))).rejects.toBeInstanceOf(
          StoreConflictError,
        );
      });

      it("lists only the account's own keys, newest first", async () => {
        const account = await store.createAccount(newAccount());
        const other = await store.createAccount(newAccount());
        const older = await store.createApiKey(newApiKey(account.id, { createdAt: BASE_TIME }));
        const newer = await store.createApiKey(newApiKey(account.id, { createdAt: BASE_TIME + 1000 }));
        await store.createApiKey(newApiKey(other.id));
        expect((await store.listApiKeys(account.id)).map((key) => key.id)).toEqual([newer.id, older.id]);
        expect(await store.listApiKeys('missing')).toEqual([]);
      });

      it('revokes a key once, bumping updatedAt', async () => {
        const account = await store.createAccount(newAccount());
        const key = await store.createApiKey(newApiKey(account.id));
        const at = BASE_TIME + 5000;
        expect(await store.revokeApiKey(key.id, at)).toBe(true);
        const revoked = await store.findApiKeyByHash(key.hash);
        expect(revoked?.revokedAt).toBe(at);
        expect(revoked?.updatedAt).toBe(at);
        expect(await store.revokeApiKey(key.id, at + 1000)).toBe(false);
        expect((await store.findApiKeyByHash(key.hash))?.revokedAt).toBe(at);
        expect(await store.revokeApiKey('missing', at)).toBe(false);
      });

      it('moves updatedAt forward even when revoked with an older time', async () => {
        const account = await store.createAccount(newAccount());
        const key = await store.createApiKey(newApiKey(account.id, { createdAt: BASE_TIME + 10_000 }));
        await store.revokeApiKey(key.id, BASE_TIME);
        expect((await store.findApiKeyByHash(key.hash))?.updatedAt).toBeGreaterThan(key.updatedAt);
      });

      it('lists keys updated after a time', async () => {
        const account = await store.createAccount(newAccount());
        const early = await store.createApiKey(newApiKey(account.id, { createdAt: BASE_TIME }));
        const late = await store.createApiKey(newApiKey(account.id, { createdAt: BASE_TIME + 2000 }));
        expect((await store.listApiKeysUpdatedSince(BASE_TIME + 1000)).map((key) => key.id)).toEqual([late.id]);
        await store.revokeApiKey(early.id, BASE_TIME + 3000);
        expect((await store.listApiKeysUpdatedSince(BASE_TIME + 1000)).map((key) => key.id)).toEqual([
          late.id,
          early.id,
        ]);
        expect(await store.listApiKeysUpdatedSince(BASE_TIME + 3000)).toEqual([]);
      });
    });

    describe('ledger', () => {
      it('appends an entry and moves the balance by its amount', async () => {
        const account = await store.createAccount(newAccount());
        const entry = ledgerEntry(account.id, 5_000_000n, { note: 'welcome credit' });
        expect(await store.appendLedgerEntry(entry)).toBe(true);
        expect(await store.appendLedgerEntry(ledgerEntry(account.id, -1_500_000n))).toBe(true);
        expect((await store.findAccountById(account.id))?.balance).toBe(3_500_000n);
        const listed = await store.listLedgerEntries(account.id, 10);
        expect(listed).toHaveLength(2);
        expect(listed).toContainEqual(entry);
      });

      it('ignores a second entry with the same idempotency key', async () => {
        const account = await store.createAccount(newAccount());
        const entry = ledgerEntry(account.id, 1000n, { idempotencyKey: 'top-up:order-42' });
        expect(await store.appendLedgerEntry(entry)).toBe(true);
        expect(await store.appendLedgerEntry({ ...entry, id: 'another-id', amount: 7777n })).toBe(false);
        expect((await store.findAccountById(account.id))?.balance).toBe(1000n);
        expect(await store.listLedgerEntries(account.id, 10)).toEqual([entry]);
      });

      it('rejects an entry for an unknown account and changes nothing', async () => {
        await expect(store.appendLedgerEntry(ledgerEntry('missing', 10n))).rejects.toThrow();
        expect(await store.verifyLedger()).toEqual([]);
      });

      it('lists entries newest first, up to the limit', async () => {
        const account = await store.createAccount(newAccount());
        for (const offset of [0, 2000, 1000]) {
          await store.appendLedgerEntry(ledgerEntry(account.id, BigInt(offset + 1), { createdAt: BASE_TIME + offset }));
        }
        const listed = await store.listLedgerEntries(account.id, 2);
        expect(listed.map((entry) => entry.createdAt)).toEqual([BASE_TIME + 2000, BASE_TIME + 1000]);
      });

      it('verifies a consistent ledger, including accounts with no entries', async () => {
        await createAccountWithCredit(0n);
        await createAccountWithCredit(123n);
        expect(await store.verifyLedger()).toEqual([]);
      });

      it('finds a balance that differs from the sum of its entries', async () => {
        const tampered = await createAccountWithCredit(500n);
        await createAccountWithCredit(700n);
        const empty = await createAccountWithCredit(0n);
        await subject.setBalance(tampered.id, 999n);
        await subject.setBalance(empty.id, -1n);
        const found = await store.verifyLedger();
        expect(found).toHaveLength(2);
        expect(found).toContainEqual({ accountId: tampered.id, email: tampered.email, balance: 999n, ledgerSum: 500n });
        expect(found).toContainEqual({ accountId: empty.id, email: empty.email, balance: -1n, ledgerSum: 0n });
      });
    });

    describe('settle', () => {
      it('stores generations, charge entries, balances and key spending in one go', async () => {
        const account = await createAccountWithCredit(10_000_000n);
        const key = await store.createApiKey(newApiKey(account.id));
        const charged = settlement(account.id, 1_250_000n, { keyId: key.id });
        const chargedWithoutKey = settlement(account.id, 50_000n);
        const free = settlement(account.id, 0n, { keyId: key.id, status: 'error', httpStatus: 502, errorCode: 'upstream_error' });

        expect(await store.settle([charged, chargedWithoutKey, free])).toBe(3);

        for (const item of [charged, chargedWithoutKey, free]) {
          expect(await store.findGeneration(item.generation.id)).toEqual(item.generation);
        }
        expect((await store.findAccountById(account.id))?.balance).toBe(10_000_000n - 1_300_000n);
        const keyAfter = await store.findApiKeyByHash(key.hash);
        expect(keyAfter?.spent).toBe(1_250_000n);
        expect(keyAfter?.updatedAt).toBeGreaterThan(key.updatedAt);

        const charges = (await store.listLedgerEntries(account.id, 10)).filter((entry) => entry.kind === 'charge');
        expect(charges).toHaveLength(2);
        expect(charges).toContainEqual({
          id: expect.any(String),
          accountId: account.id,
          kind: 'charge',
          amount: -1_250_000n,
          idempotencyKey: `charge:${charged.generation.id}`,
          generationId: charged.generation.id,
          note: null,
          createdAt: charged.generation.createdAt,
        });
        expect(charges.some((entry) => entry.generationId === free.generation.id)).toBe(false);
        expect(await store.verifyLedger()).toEqual([]);
      });

      it('changes nothing when the same batch is settled again', async () => {
        const account = await createAccountWithCredit(1_000_000n);
        const key = await store.createApiKey(newApiKey(account.id));
        const batch = [settlement(account.id, 400n, { keyId: key.id }), settlement(account.id, 0n)];
        expect(await store.settle(batch)).toBe(2);
        const balance = (await store.findAccountById(account.id))?.balance;
        const entries = await store.listLedgerEntries(account.id, 100);
        const spent = (await store.findApiKeyByHash(key.hash))?.spent;

        expect(await store.settle(batch)).toBe(0);
        expect((await store.findAccountById(account.id))?.balance).toBe(balance);
        expect(await store.listLedgerEntries(account.id, 100)).toEqual(entries);
        expect((await store.findApiKeyByHash(key.hash))?.spent).toBe(spent);
        expect(await store.listGenerations(account.id, 100)).toHaveLength(2);
      });

      it('settles only the new part of a partly replayed batch', async () => {
        const account = await createAccountWithCredit(1_000n);
        const old = settlement(account.id, 100n);
        await store.settle([old]);
        const fresh = settlement(account.id, 10n);
        expect(await store.settle([old, fresh, fresh])).toBe(1);
        expect((await store.findAccountById(account.id))?.balance).toBe(890n);
        expect(await store.verifyLedger()).toEqual([]);
      });

      it('returns 0 for an empty batch and rejects a negative charge', async () => {
        const account = await createAccountWithCredit(1_000n);
        expect(await store.settle([])).toBe(0);
        await expect(store.settle([settlement(account.id, -5n)])).rejects.toBeInstanceOf(RangeError);
        expect((await store.findAccountById(account.id))?.balance).toBe(1_000n);
      });

      it('rolls the whole batch back when one settlement fails', async () => {
        const healthy = await createAccountWithCredit(1_000n);
        const nearFloor = await createAccountWithCredit(-NEAR_INT64_MAX);
        const first = settlement(healthy.id, 100n, { id: 'gen-a' });
        const overflowing = settlement(nearFloor.id, 100_000_000_000_000_000n, { id: 'gen-b' });

        await expect(store.settle([first, overflowing])).rejects.toThrow();

        expect(await store.findGeneration('gen-a')).toBeNull();
        expect(await store.findGeneration('gen-b')).toBeNull();
        expect((await store.findAccountById(healthy.id))?.balance).toBe(1_000n);
        expect(await store.listLedgerEntries(healthy.id, 10)).toHaveLength(1);
        expect(await store.verifyLedger()).toEqual([]);
      });
    });

    describe('large amounts', () => {
      it('keeps money near the 64-bit limit exact', async () => {
        const account = await createAccountWithCredit(LARGE_AMOUNT);
        const key = await store.createApiKey(newApiKey(account.id, { budget: LARGE_AMOUNT }));
        const charge = LARGE_AMOUNT - 1n;
        const item = settlement(account.id, charge, { keyId: key.id });
        expect(await store.settle([item])).toBe(1);

        expect((await store.findAccountById(account.id))?.balance).toBe(1n);
        expect((await store.findGeneration(item.generation.id))?.cost).toBe(charge);
        const keyAfter = await store.findApiKeyByHash(key.hash);
        expect(keyAfter?.spent).toBe(charge);
        expect(keyAfter?.budget).toBe(LARGE_AMOUNT);
        const amounts = (await store.listLedgerEntries(account.id, 10)).map((entry) => entry.amount);
        expect(amounts.sort()).toEqual([-charge, LARGE_AMOUNT].sort());
        expect(await store.verifyLedger()).toEqual([]);
      });

      it('reports a tampered balance near the limit exactly', async () => {
        const account = await createAccountWithCredit(LARGE_AMOUNT);
        await subject.setBalance(account.id, LARGE_AMOUNT + 1n);
        expect(await store.verifyLedger()).toEqual([
          { accountId: account.id, email: account.email, balance: LARGE_AMOUNT + 1n, ledgerSum: LARGE_AMOUNT },
        ]);
      });

      it('refuses an entry that would overflow the balance and keeps the old one', async () => {
        const account = await createAccountWithCredit(NEAR_INT64_MAX);
        await expect(store.appendLedgerEntry(ledgerEntry(account.id, NEAR_INT64_MAX))).rejects.toThrow();
        expect((await store.findAccountById(account.id))?.balance).toBe(NEAR_INT64_MAX);
        expect(await store.listLedgerEntries(account.id, 10)).toHaveLength(1);
      });
    });

    describe('generations', () => {
      it("lists an account's generations newest first, up to the limit", async () => {
        const account = await createAccountWithCredit(0n);
        const other = await createAccountWithCredit(0n);
        const times = [BASE_TIME + 1000, BASE_TIME + 3000, BASE_TIME + 2000];
        await store.settle(times.map((createdAt) => ({ generation: generation(account.id, { createdAt }), charge: 0n })));
        await store.settle([{ generation: generation(other.id, { createdAt: BASE_TIME + 9000 }), charge: 0n }]);

        const listed = await store.listGenerations(account.id, 2);
        expect(listed.map((item) => item.createdAt)).toEqual([BASE_TIME + 3000, BASE_TIME + 2000]);
        expect(listed.every((item) => item.accountId === account.id)).toBe(true);
      });

      it('keeps optional fields and flags as given', async () => {
        const account = await createAccountWithCredit(0n);
        const record = generation(account.id, {
          provider: null,
          channel: null,
          stream: false,
          usageEstimated: true,
          ttftMs: null,
          status: 'cancelled',
          httpStatus: 499,
          attempts: 3,
        });
        await store.settle([{ generation: record, charge: 0n }]);
        expect(await store.findGeneration(record.id)).toEqual(record);
      });

      it('finds no generation for an unknown id', async () => {
        expect(await store.findGeneration('gen-missing')).toBeNull();
      });
    });
  });
}

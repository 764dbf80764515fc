import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { KyselyKeyGovernanceStore } from '../../src/store/kysely-key-governance-store.js';
import { openPostgresDatabase, openSqliteDatabase } from '../../src/store/open-store.js';
import { postgresForTest } from '../support/postgres.js';
import { BASE_TIME, newAccount, newApiKey } from '../store/store-fixtures.js';

interface Opened {
  store: KyselyStore;
  governance: KyselyKeyGovernanceStore;
  dispose(): Promise<void>;
}

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-key-governance-store-'));
let counter = 0;
// Probes once for the whole file: null (with a warning) skips, and CI=true throws instead.
const postgresProbe = await postgresForTest();
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await postgresProbe?.drop();
});

async function openSqlite(): Promise<Opened> {
  counter += 1;
  const store = new KyselyStore(openSqliteDatabase(path.join(scratch, `store-${counter}`, 'store.db')), 'sqlite');
  await store.migrate();
  return { store, governance: new KyselyKeyGovernanceStore(store.database), dispose: () => store.close() };
}

async function openPostgres(): Promise<Opened> {
  const database = await postgresForTest();
  if (!database) throw new Error('PostgreSQL went away during the run');
  const store = new KyselyStore(openPostgresDatabase(database.url), 'postgres');
  await store.migrate();
  return {
    store,
    governance: new KyselyKeyGovernanceStore(store.database),
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}

/** One database per engine, migrated once (every test makes its own accounts and keys). */
function runKeyGovernanceStoreTests(open: () => Promise<Opened>): void {
  let opened: Opened;
  beforeAll(async () => {
    opened = await open();
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('stores and reads back the IP allowlist and budget period of a new key', async () => {
    const account = await opened.store.createAccount(newAccount());
    const created = await opened.store.createApiKey(
      newApiKey(account.id, { ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'], budgetPeriod: 'week', budget: 5_000_000_000_000n }),
    );
    expect(created.ipAllowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(created.budgetPeriod).toBe('week');
    const found = await opened.governance.findApiKeyById(created.id);
    expect(found).toEqual(created);
    expect((await opened.store.findApiKeyByHash(created.hash))?.ipAllowlist).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('gives a key created without the new fields an empty allowlist and the total period', async () => {
    const account = await opened.store.createAccount(newAccount());
    const created = await opened.store.createApiKey(newApiKey(account.id));
    expect(created.ipAllowlist).toEqual([]);
    expect(created.budgetPeriod).toBe('total');
  });

  it('updates only the fields given, and moves updatedAt forward so caches see the change', async () => {
    const account = await opened.store.createAccount(newAccount());
    const created = await opened.store.createApiKey(newApiKey(account.id, { name: 'before', models: ['gpt-4o'], rpm: 5, budget: 7n }));
    const updated = await opened.governance.updateApiKey(
      created.id,
      { name: 'after', ipAllowlist: ['192.0.2.0/24'], tpm: 1000, rpm: null, expiresAt: BASE_TIME + 1000, budgetPeriod: 'month' },
      BASE_TIME + 10,
    );
    expect(updated).toMatchObject({
      name: 'after',
      models: ['gpt-4o'],
      ipAllowlist: ['192.0.2.0/24'],
      rpm: null,
      tpm: 1000,
      budget: 7n,
      budgetPeriod: 'month',
      expiresAt: BASE_TIME + 1000,
      updatedAt: BASE_TIME + 10,
    });
    const changed = (await opened.store.listApiKeysUpdatedSince(BASE_TIME + 5)).filter((key) => key.accountId === account.id);
    expect(changed.map((key) => key.id)).toEqual([created.id]);
    expect(changed[0]!.name).toBe('after');
    expect(await opened.store.listApiKeysUpdatedSince(BASE_TIME + 10)).not.toContainEqual(expect.objectContaining({ id: created.id }));
  });

  it('keeps updatedAt growing for two changes at the same instant', async () => {
    const account = await opened.store.createAccount(newAccount());
    const created = await opened.store.createApiKey(newApiKey(account.id));
    const first = await opened.governance.updateApiKey(created.id, { name: 'one' }, BASE_TIME + 50);
    const second = await opened.governance.updateApiKey(created.id, { name: 'two' }, BASE_TIME + 50);
    expect(second!.updatedAt).toBeGreaterThan(first!.updatedAt);
  });

  it('answers null for an unknown key', async () => {
    expect(await opened.governance.findApiKeyById('key_missing')).toBeNull();
    expect(await opened.governance.updateApiKey('key_missing', { name: 'x' }, BASE_TIME)).toBeNull();
  });

  it('sets and reads account rate limits, which the account record carries too', async () => {
    const account = await opened.store.createAccount(newAccount());
    expect(await opened.governance.findAccountRateLimits(account.id)).toEqual({ rpm: null, tpm: null });
    expect(account.rpm ?? null).toBeNull();
    expect(await opened.governance.setAccountRateLimits(account.id, { rpm: 120, tpm: 90_000 })).toBe(true);
    expect(await opened.governance.findAccountRateLimits(account.id)).toEqual({ rpm: 120, tpm: 90_000 });
    const reread = await opened.store.findAccountById(account.id);
    expect(reread?.rpm).toBe(120);
    expect(reread?.tpm).toBe(90_000);
    expect(await opened.governance.setAccountRateLimits(account.id, { rpm: null, tpm: 10 })).toBe(true);
    expect(await opened.governance.findAccountRateLimits(account.id)).toEqual({ rpm: null, tpm: 10 });
  });

  it('answers null or false for an unknown account', async () => {
    expect(await opened.governance.findAccountRateLimits('acct_missing')).toBeNull();
    expect(await opened.governance.setAccountRateLimits('acct_missing', { rpm: 1, tpm: 1 })).toBe(false);
  });
}

describe('key governance store on SQLite', () => {
  runKeyGovernanceStoreTests(openSqlite);
});

describe.skipIf(postgresProbe === null)('key governance store on PostgreSQL', () => {
  runKeyGovernanceStoreTests(openPostgres);
});

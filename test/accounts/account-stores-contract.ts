/** One suite for the session and account-administration stores, run on SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KyselyAccountAdminStore } from '../../src/store/kysely-account-admin-store.js';
import { KyselySessionStore } from '../../src/store/kysely-session-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import type { SessionRecord } from '../../src/store/session-store.js';
import { BASE_TIME, newAccount } from '../store/store-fixtures.js';

export interface OpenedStore {
  store: KyselyStore;
  dispose(): Promise<void>;
}

function session(accountId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const id = overrides.id ?? `${accountId}-${Math.random().toString(16).slice(2)}`.padEnd(64, '0');
  return { id, accountId, createdAt: BASE_TIME, expiresAt: BASE_TIME + 60_000, lastSeenAt: BASE_TIME, ...overrides };
}

export function runAccountStoresContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`session and account-admin stores on ${name}`, () => {
    let opened: OpenedStore;
    let sessions: KyselySessionStore;
    let admin: KyselyAccountAdminStore;

    beforeEach(async () => {
      opened = await open();
      sessions = new KyselySessionStore(opened.store.database);
      admin = new KyselyAccountAdminStore(opened.store.database);
    });
    afterEach(async () => {
      await opened.dispose();
    });

    it('creates, finds, touches and deletes a session', async () => {
      const account = await opened.store.createAccount(newAccount());
      const record = session(account.id);
      await sessions.createSession(record);
      expect(await sessions.findSession(record.id)).toEqual(record);
      expect(await sessions.touchSession(record.id, BASE_TIME + 500)).toBe(true);
      expect((await sessions.findSession(record.id))?.lastSeenAt).toBe(BASE_TIME + 500);
      expect(await sessions.deleteSession(record.id)).toBe(true);
      expect(await sessions.findSession(record.id)).toBeNull();
      expect(await sessions.deleteSession(record.id)).toBe(false);
      expect(await sessions.touchSession(record.id, BASE_TIME + 900)).toBe(false);
    });

    it('refuses a session of an unknown account', async () => {
      await expect(sessions.createSession(session('no-such-account'))).rejects.toThrow();
    });

    it('lists an account’s sessions newest first and ends all but one', async () => {
      const account = await opened.store.createAccount(newAccount());
      const other = await opened.store.createAccount(newAccount());
      const first = session(account.id, { createdAt: BASE_TIME });
      const second = session(account.id, { createdAt: BASE_TIME + 1 });
      const third = session(account.id, { createdAt: BASE_TIME + 2 });
      const foreign = session(other.id);
      for (const record of [first, second, third, foreign]) await sessions.createSession(record);
      expect((await sessions.listSessions(account.id)).map((record) => record.id)).toEqual([third.id, second.id, first.id]);

      const ended = await sessions.deleteSessionsOfAccount(account.id, second.id);
      expect(ended.sort()).toEqual([first.id, third.id].sort());
      expect((await sessions.listSessions(account.id)).map((record) => record.id)).toEqual([second.id]);
      expect(await sessions.deleteSessionsOfAccount(account.id)).toEqual([second.id]);
      expect(await sessions.listSessions(account.id)).toEqual([]);
      expect(await sessions.findSession(foreign.id)).toEqual(foreign);
    });

    it('purges expired sessions only', async () => {
      const account = await opened.store.createAccount(newAccount());
      const expired = session(account.id, { expiresAt: BASE_TIME + 10 });
      const expiringNow = session(account.id, { expiresAt: BASE_TIME + 20 });
      const live = session(account.id, { expiresAt: BASE_TIME + 30 });
      for (const record of [expired, expiringNow, live]) await sessions.createSession(record);
      expect(await sessions.deleteExpiredSessions(BASE_TIME + 20)).toBe(2);
      expect((await sessions.listSessions(account.id)).map((record) => record.id)).toEqual([live.id]);
    });

    it('finds an account by email ignoring case', async () => {
      const account = await opened.store.createAccount(newAccount({ email: 'Mixed.Case@Example.test' }));
      expect((await admin.findAccountByEmailIgnoringCase('mixed.case@example.test'))?.id).toBe(account.id);
      expect((await admin.findAccountByEmailIgnoringCase('MIXED.CASE@EXAMPLE.TEST'))?.id).toBe(account.id);
      expect(await admin.findAccountByEmailIgnoringCase('someone.else@example.test')).toBeNull();
    });

    it('pages accounts newest first with a total, and searches emails and ids', async () => {
      const created = [];
      for (let index = 0; index < 5; index += 1) {
        created.push(
          await opened.store.createAccount(newAccount({ email: `user${index}@${index % 2 === 0 ? 'even' : 'odd'}.test`, createdAt: BASE_TIME + index })),
        );
      }
      const newestFirst = [...created].reverse().map((account) => account.id);
      const first = await admin.listAccounts({ limit: 2, offset: 0 });
      expect(first.total).toBe(5);
      expect(first.accounts.map((account) => account.id)).toEqual(newestFirst.slice(0, 2));
      const last = await admin.listAccounts({ limit: 2, offset: 4 });
      expect(last.accounts.map((account) => account.id)).toEqual(newestFirst.slice(4));

      const odd = await admin.listAccounts({ limit: 10, offset: 0, search: 'ODD.test' });
      expect(odd.total).toBe(2);
      expect(odd.accounts.map((account) => account.email)).toEqual(['user3@odd.test', 'user1@odd.test']);
      const byId = await admin.listAccounts({ limit: 10, offset: 0, search: created[2]!.id });
      expect(byId.accounts.map((account) => account.id)).toEqual([created[2]!.id]);
    });

    it('takes LIKE wildcards in a search literally', async () => {
      await opened.store.createAccount(newAccount({ email: 'percent%sign@example.test' }));
      await opened.store.createAccount(newAccount({ email: 'under_score@example.test' }));
      await opened.store.createAccount(newAccount({ email: 'plain@example.test' }));
      expect((await admin.listAccounts({ limit: 10, offset: 0, search: '%' })).accounts.map((account) => account.email)).toEqual([
        'percent%sign@example.test',
      ]);
      expect((await admin.listAccounts({ limit: 10, offset: 0, search: '_' })).accounts.map((account) => account.email)).toEqual([
        'under_score@example.test',
      ]);
      expect((await admin.listAccounts({ limit: 10, offset: 0, search: '   ' })).total).toBe(3);
    });

    it('updates role, disabled flag and password hash, and nothing else', async () => {
      const account = await opened.store.createAccount(newAccount({ passwordHash: 'old-hash' }));
      const demoted = await admin.updateAccount(account.id, { role: 'admin', disabled: true });
      expect(demoted).toMatchObject({ id: account.id, role: 'admin', disabled: true, passwordHash: 'old-hash', balance: 0n });
      const rehashed = await admin.updateAccount(account.id, { passwordHash: 'new-hash', disabled: false });
      expect(rehashed).toMatchObject({ role: 'admin', disabled: false, passwordHash: 'new-hash' });
      expect(await opened.store.findAccountById(account.id)).toEqual(rehashed);
      expect(await admin.updateAccount(account.id, {})).toEqual(rehashed);
      expect(await admin.updateAccount('no-such-account', { disabled: true })).toBeNull();
      expect(await admin.updateAccount('no-such-account', {})).toBeNull();
    });
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE_NAME } from '../../src/accounts/session-cookie.js';
import { SessionManager, type SessionManagerOptions } from '../../src/accounts/session-manager.js';
import { generateSessionToken } from '../../src/accounts/session-token.js';
import { KyselyAccountAdminStore } from '../../src/store/kysely-account-admin-store.js';
import { KyselySessionStore } from '../../src/store/kysely-session-store.js';
import { KyselyStore } from '../../src/store/kysely-store.js';
import { openSqliteDatabase } from '../../src/store/open-store.js';
import type { SessionRecord } from '../../src/store/session-store.js';
import type { AccountRecord } from '../../src/store/store.js';
import { newAccount } from '../store/store-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-session-manager-'));
let counter = 0;
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Counts the reads that reach the database. */
class CountingSessionStore extends KyselySessionStore {
  reads = 0;
  override async findSession(id: string): Promise<SessionRecord | null> {
    this.reads += 1;
    return super.findSession(id);
  }
}

function cookieOf(token: string) {
  return { cookie: `${SESSION_COOKIE_NAME}=${token}` };
}

describe('SessionManager', () => {
  let store: KyselyStore;
  let sessions: CountingSessionStore;
  let account: AccountRecord;
  const time = { now: 1_700_000_000_000 };
  const manager = (options: SessionManagerOptions = {}) =>
    new SessionManager(sessions, store, { now: () => time.now, cacheMs: 1000, ...options });

  beforeEach(async () => {
    counter += 1;
    store = new KyselyStore(openSqliteDatabase(path.join(scratch, `store-${counter}.db`)), 'sqlite');
    await store.migrate();
    sessions = new CountingSessionStore(store.database);
    account = await store.createAccount(newAccount());
  });
  afterEach(async () => {
    await store.close();
  });

  it('starts a session stored only by its hash, with the lifetime as expiry and cookie age', async () => {
    const sessionsOf = manager({ lifetimeMs: 3_600_000 });
    const started = await sessionsOf.start(account.id);
    expect(started.maxAgeSeconds).toBe(3600);
    expect(started.expiresAt).toBe(time.now + 3_600_000);
    const stored = await sessions.listSessions(account.id);
    expect(stored).toEqual([
      { id: started.id, accountId: account.id, createdAt: time.now, expiresAt: time.now + 3_600_000, lastSeenAt: time.now },
    ]);
    expect(JSON.stringify(stored)).not.toContain(started.token);
    expect((await sessionsOf.accountFromHeaders(cookieOf(started.token)))?.id).toBe(account.id);
  });

  it('defaults to a 30-day lifetime', async () => {
    const started = await manager().start(account.id);
    expect(started.maxAgeSeconds).toBe(30 * 24 * 60 * 60);
  });

  it('reads the database once per cache interval, and once for concurrent lookups', async () => {
    const sessionsOf = manager();
    const { token } = await sessionsOf.start(account.id);
    const results = await Promise.all([1, 2, 3].map(() => sessionsOf.accountFromHeaders(cookieOf(token))));
    expect(results.map((result) => result?.id)).toEqual([account.id, account.id, account.id]);
    time.now += 999;
    await sessionsOf.accountFromHeaders(cookieOf(token));
    expect(sessions.reads).toBe(1);
    time.now += 1;
    await sessionsOf.accountFromHeaders(cookieOf(token));
    expect(sessions.reads).toBe(2);
  });

  it('remembers unknown tokens for the cache interval too', async () => {
    const sessionsOf = manager();
    const stranger = generateSessionToken();
    expect(await sessionsOf.accountFromHeaders(cookieOf(stranger))).toBeNull();
    expect(await sessionsOf.accountFromHeaders(cookieOf(stranger))).toBeNull();
    expect(sessions.reads).toBe(1);
    expect(await sessionsOf.accountFromHeaders({})).toBeNull();
    expect(sessions.reads).toBe(1);
  });

  it('ends a session at once, cached or not', async () => {
    const sessionsOf = manager();
    const { token } = await sessionsOf.start(account.id);
    expect(await sessionsOf.accountFromHeaders(cookieOf(token))).not.toBeNull();
    expect(await sessionsOf.endFromHeaders(cookieOf(token))).toBe(true);
    expect(await sessionsOf.accountFromHeaders(cookieOf(token))).toBeNull();
    expect(await sessionsOf.endFromHeaders(cookieOf(token))).toBe(false);
  });

  it('ends all other sessions of an account, keeping the one named', async () => {
    const sessionsOf = manager();
    const kept = await sessionsOf.start(account.id);
    const ended = await sessionsOf.start(account.id);
    const otherAccount = await store.createAccount(newAccount());
    const unrelated = await sessionsOf.start(otherAccount.id);
    for (const started of [kept, ended, unrelated]) await sessionsOf.accountFromHeaders(cookieOf(started.token));
    expect(await sessionsOf.endAllOf(account.id, { except: kept.id })).toBe(1);
    expect((await sessionsOf.accountFromHeaders(cookieOf(kept.token)))?.id).toBe(account.id);
    expect(await sessionsOf.accountFromHeaders(cookieOf(ended.token))).toBeNull();
    expect((await sessionsOf.accountFromHeaders(cookieOf(unrelated.token)))?.id).toBe(otherAccount.id);
  });

  it('stops honouring a session when it expires, even while cached', async () => {
    const sessionsOf = manager({ lifetimeMs: 10_000, cacheMs: 60_000 });
    const { token } = await sessionsOf.start(account.id);
    time.now += 9_999;
    expect(await sessionsOf.accountFromHeaders(cookieOf(token))).not.toBeNull();
    time.now += 1;
    expect(await sessionsOf.accountFromHeaders(cookieOf(token))).toBeNull();
  });

  it('sees an account changed elsewhere after the cache interval, or at once when told', async () => {
    const sessionsOf = manager();
    const admin = new KyselyAccountAdminStore(store.database);
    const { token } = await sessionsOf.start(account.id);
    expect((await sessionsOf.accountFromHeaders(cookieOf(token)))?.role).toBe('user');
    await admin.updateAccount(account.id, { role: 'admin' });
    expect((await sessionsOf.accountFromHeaders(cookieOf(token)))?.role).toBe('user');
    time.now += 1000;
    expect((await sessionsOf.accountFromHeaders(cookieOf(token)))?.role).toBe('admin');
    await admin.updateAccount(account.id, { disabled: true });
    sessionsOf.forgetAccount(account.id);
    expect((await sessionsOf.accountFromHeaders(cookieOf(token)))?.disabled).toBe(true);
  });

  it('records when a session was last used, at most once per interval', async () => {
    const sessionsOf = manager({ touchIntervalMs: 60_000 });
    const started = await sessionsOf.start(account.id);
    const startedAt = time.now;
    time.now += 30_000;
    await sessionsOf.accountFromHeaders(cookieOf(started.token));
    await new Promise((resolve) => setImmediate(resolve));
    expect((await sessions.findSession(started.id))?.lastSeenAt).toBe(startedAt);
    time.now += 30_000;
    await sessionsOf.accountFromHeaders(cookieOf(started.token));
    await expect.poll(async () => (await sessions.findSession(started.id))?.lastSeenAt).toBe(startedAt + 60_000);
  });

  it('deletes expired sessions when a new one starts, at most once per purge interval', async () => {
    const sessionsOf = manager({ lifetimeMs: 10_000, purgeIntervalMs: 60_000 });
    const old = await sessionsOf.start(account.id);
    time.now += 60_000;
    const fresh = await sessionsOf.start(account.id);
    await expect.poll(async () => (await sessions.listSessions(account.id)).map((record) => record.id)).toEqual([fresh.id]);
    expect(await sessions.findSession(old.id)).toBeNull();
  });
});

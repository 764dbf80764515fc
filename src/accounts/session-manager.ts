import type { IncomingHttpHeaders } from 'node:http';
import type { SessionLookup } from '../http/principal.js';
import type { SessionRecord, SessionStore } from '../store/session-store.js';
import type { AccountRecord } from '../store/store.js';
import { sessionTokenFromHeaders } from './session-cookie.js';
import { generateSessionToken, hashSessionToken } from './session-token.js';

export const DEFAULT_SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

export interface SessionManagerOptions {
  /** How long a session lives from log-in (also the cookie's Max-Age). Default 30 days. */
  lifetimeMs?: number;
  /** How long a looked-up session (and its account) is served from memory. Default 1 s. */
  cacheMs?: number;
  /** `last_seen_at` is written at most this often per session. Default 1 minute. */
  touchIntervalMs?: number;
  /** Expired sessions are deleted at most this often, when a session starts. Default 1 hour. */
  purgeIntervalMs?: number;
  /** Entries kept in memory before stale ones are swept. Default 10 000. */
  maxCachedSessions?: number;
  now?: () => number;
  /** Failures of writes made behind a request (last-seen times, purges). Ignored by default. */
  onBackgroundError?: (error: unknown) => void;
}

export interface AccountReader {
  findAccountById(id: string): Promise<AccountRecord | null>;
}

/** A session just created: the token goes into the cookie and is never stored. */
export interface StartedSession {
  token: string;
  id: string;
  expiresAt: number;
  maxAgeSeconds: number;
}

export interface ActiveSession {
  session: SessionRecord;
  account: AccountRecord;
}

interface CacheEntry {
  loadedAt: number;
  loading: Promise<ActiveSession | null>;
  /** Known once the load settled: whose session this is (null for none). */
  accountId: string | null;
  settled: boolean;
}

/**
 * Starts, finds and ends log-in sessions. Lookups are cached by token hash for `cacheMs`, so a
 * busy session costs one database read per interval, not one per request; ending sessions here
 * drops them from the cache at once, and another process sees the change within `cacheMs`.
 */
export class SessionManager implements SessionLookup {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lifetime: number;
  private readonly cacheMs: number;
  private readonly touchIntervalMs: number;
  private readonly purgeIntervalMs: number;
  private readonly maxCachedSessions: number;
  private readonly now: () => number;
  private readonly onBackgroundError: (error: unknown) => void;
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sessions: SessionStore,
    private readonly accounts: AccountReader,
    options: SessionManagerOptions = {},
  ) {
    this.lifetime = options.lifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS;
    this.cacheMs = options.cacheMs ?? 1000;
    this.touchIntervalMs = options.touchIntervalMs ?? 60_000;
    this.purgeIntervalMs = options.purgeIntervalMs ?? 60 * 60 * 1000;
    this.maxCachedSessions = options.maxCachedSessions ?? 10_000;
    this.now = options.now ?? Date.now;
    this.onBackgroundError = options.onBackgroundError ?? (() => undefined);
  }

  get lifetimeMs(): number {
    return this.lifetime;
  }

  async start(accountId: string): Promise<StartedSession> {
    const token = generateSessionToken();
    const id = hashSessionToken(token);
    const now = this.now();
    const expiresAt = now + this.lifetime;
    await this.sessions.createSession({ id, accountId, createdAt: now, expiresAt, lastSeenAt: now });
    this.purgeExpiredNowAndThen(now);
    return { token, id, expiresAt, maxAgeSeconds: Math.floor(this.lifetime / 1000) };
  }

  async accountFromHeaders(headers: IncomingHttpHeaders): Promise<AccountRecord | null> {
    return (await this.sessionFromHeaders(headers))?.account ?? null;
  }

  /** The live session of the request's cookie and its account, or null. */
  async sessionFromHeaders(headers: IncomingHttpHeaders): Promise<ActiveSession | null> {
    const token = sessionTokenFromHeaders(headers);
    return token === null ? null : this.find(hashSessionToken(token));
  }

  /** Ends the session of the request's cookie, if any; true when one was ended. */
  async endFromHeaders(headers: IncomingHttpHeaders): Promise<boolean> {
    const token = sessionTokenFromHeaders(headers);
    return token === null ? false : this.end(hashSessionToken(token));
  }

  async end(sessionId: string): Promise<boolean> {
    // Delete the row before the cache entry: a lookup racing with this then reads the deletion.
    const deleted = await this.sessions.deleteSession(sessionId);
    this.cache.delete(sessionId);
    return deleted;
  }

  /** Ends every session of the account except `except`; returns how many were ended. */
  async endAllOf(accountId: string, options: { except?: string | null } = {}): Promise<number> {
    const deleted = await this.sessions.deleteSessionsOfAccount(accountId, options.except ?? null);
    for (const id of deleted) this.cache.delete(id);
    this.forgetAccount(accountId);
    return deleted.length;
  }

  /** Drops cached sessions of an account so its next request reads role and disabled flag afresh. */
  forgetAccount(accountId: string): void {
    for (const [id, entry] of this.cache) {
      if (!entry.settled || entry.accountId === accountId) this.cache.delete(id);
    }
  }

  private async find(id: string): Promise<ActiveSession | null> {
    const now = this.now();
    let entry = this.cache.get(id);
    if (!entry || now - entry.loadedAt >= this.cacheMs) entry = this.load(id, now);
    const active = await entry.loading;
    if (!active || active.session.expiresAt <= this.now()) return null;
    this.touchNowAndThen(active.session);
    return active;
  }

  private load(id: string, now: number): CacheEntry {
    if (this.cache.size >= this.maxCachedSessions) this.sweep(now);
    const entry: CacheEntry = { loadedAt: now, loading: Promise.resolve(null), accountId: null, settled: false };
    entry.loading = this.read(id).then(
      (active) => {
        entry.accountId = active?.account.id ?? null;
        entry.settled = true;
        return active;
      },
      (error: unknown) => {
        if (this.cache.get(id) === entry) this.cache.delete(id);
        throw error;
      },
    );
    this.cache.set(id, entry);
    return entry;
  }

  private async read(id: string): Promise<ActiveSession | null> {
    const session = await this.sessions.findSession(id);
    if (!session) return null;
    const account = await this.accounts.findAccountById(session.accountId);
    return account ? { session, account } : null;
  }

  private sweep(now: number): void {
    for (const [id, entry] of this.cache) if (now - entry.loadedAt >= this.cacheMs) this.cache.delete(id);
    if (this.cache.size >= this.maxCachedSessions) this.cache.clear();
  }

  private touchNowAndThen(session: SessionRecord): void {
    const now = this.now();
    if (now - session.lastSeenAt < this.touchIntervalMs) return;
    session.lastSeenAt = now;
    this.sessions.touchSession(session.id, now).catch(this.onBackgroundError);
  }

  private purgeExpiredNowAndThen(now: number): void {
    if (now - this.lastPurge < this.purgeIntervalMs) return;
    this.lastPurge = now;
    this.sessions.deleteExpiredSessions(now).catch(this.onBackgroundError);
  }
}

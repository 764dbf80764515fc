/** Persistence of log-in sessions (see `kysely-session-store.ts`). Times are ms since the epoch. */

export interface SessionRecord {
  /** Hex SHA-256 of the session token; the token itself is never stored. */
  id: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  findSession(id: string): Promise<SessionRecord | null>;
  /** Sessions of one account, newest first. */
  listSessions(accountId: string): Promise<SessionRecord[]>;
  /** Records that the session was used; false when it no longer exists. */
  touchSession(id: string, lastSeenAt: number): Promise<boolean>;
  /** False when there was no such session. */
  deleteSession(id: string): Promise<boolean>;
  /** Ends every session of the account except `exceptId`; returns the ids it deleted. */
  deleteSessionsOfAccount(accountId: string, exceptId?: string | null): Promise<string[]>;
  /** Deletes sessions that expired at or before `now`; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;
}

/** `SessionStore` on the shared Kysely database; the same SQL runs on SQLite and PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from './database-schema.js';
import { toNumber } from './column-values.js';
import type { SessionRecord, SessionStore } from './session-store.js';

export class KyselySessionStore implements SessionStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.#db
      .insertInto('sessions')
      .values({
        id: session.id,
        account_id: session.accountId,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        last_seen_at: session.lastSeenAt,
      })
      .execute();
  }

  async findSession(id: string): Promise<SessionRecord | null> {
    const row = await this.#db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? sessionFromRow(row) : null;
  }

  async listSessions(accountId: string): Promise<SessionRecord[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(sessionFromRow);
  }

  async touchSession(id: string, lastSeenAt: number): Promise<boolean> {
    const rows = await this.#db
      .updateTable('sessions')
      .set({ last_seen_at: lastSeenAt })
      .where('id', '=', id)
      .returning('id')
      .execute();
    return rows.length > 0;
  }

  async deleteSession(id: string): Promise<boolean> {
    const rows = await this.#db.deleteFrom('sessions').where('id', '=', id).returning('id').execute();
    return rows.length > 0;
  }

  async deleteSessionsOfAccount(accountId: string, exceptId: string | null = null): Promise<string[]> {
    let query = this.#db.deleteFrom('sessions').where('account_id', '=', accountId);
    if (exceptId !== null) query = query.where('id', '<>', exceptId);
    const rows = await query.returning('id').execute();
    return rows.map((row) => row.id);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const rows = await this.#db.deleteFrom('sessions').where('expires_at', '<=', now).returning('id').execute();
    return rows.length;
  }
}

function sessionFromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    createdAt: toNumber(row.created_at),
    expiresAt: toNumber(row.expires_at),
    lastSeenAt: toNumber(row.last_seen_at),
  };
}

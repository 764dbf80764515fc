/** `AccountAdminStore` on the shared Kysely database; the same SQL runs on SQLite and PostgreSQL. */
import { sql, type Kysely, type Updateable } from 'kysely';
import type { AccountsTable, Database } from './database-schema.js';
import { fromFlag, toNumber } from './column-values.js';
import { accountFromRow } from './record-mapping.js';
import type { AccountRecord } from './store.js';
import type { AccountAdminStore, AccountChanges, AccountListQuery, AccountPage } from './account-admin-store.js';

export class KyselyAccountAdminStore implements AccountAdminStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async findAccountByEmailIgnoringCase(email: string): Promise<AccountRecord | null> {
    const row = await this.#db
      .selectFrom('accounts')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      // Two addresses differing only in case could predate this lookup; the oldest wins, always the same one.
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .executeTakeFirst();
    return row ? accountFromRow(row) : null;
  }

  async listAccounts(query: AccountListQuery): Promise<AccountPage> {
    const search = query.search?.trim() ?? '';
    const base = this.#db.selectFrom('accounts').$if(search !== '', (builder) =>
      builder.where((where) =>
        where.or([
          where(sql<string>`lower(email)`, 'like', sql<string>`${likePattern(search.toLowerCase())} escape '\\'`),
          where('id', '=', search),
        ]),
      ),
    );
    const [rows, counted] = await Promise.all([
      base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute(),
      base.select((builder) => builder.fn.countAll<number | bigint | string>().as('count')).executeTakeFirstOrThrow(),
    ]);
    return { accounts: rows.map(accountFromRow), total: toNumber(counted.count) };
  }

  async updateAccount(id: string, changes: AccountChanges): Promise<AccountRecord | null> {
    const values: Updateable<AccountsTable> = {};
    if (changes.role !== undefined) values.role = changes.role;
    if (changes.disabled !== undefined) values.disabled = fromFlag(changes.disabled);
    if (changes.passwordHash !== undefined) values.password_hash = changes.passwordHash;
    if (Object.keys(values).length === 0) {
      const row = await this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? accountFromRow(row) : null;
    }
    const row = await this.#db.updateTable('accounts').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? accountFromRow(row) : null;
  }
}

/** `%text%` with LIKE's wildcards in `text` taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

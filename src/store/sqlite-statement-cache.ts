/**
 * Keeps better-sqlite3's prepared statements for reuse. Kysely prepares every query it runs; for
 * the settlement batches (the same multi-row inserts, batch after batch) compiling the SQL again
 * cost about a tenth of the store's time. Statements are only run synchronously here (no
 * iteration is left open between calls), so sharing one per SQL text is safe.
 */
import type SqliteDatabase from 'better-sqlite3';

const MAX_STATEMENTS = 256;

export interface PreparingDatabase {
  prepare(sql: string): SqliteDatabase.Statement;
  close(): void;
}

export function withStatementCache(database: SqliteDatabase.Database): PreparingDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

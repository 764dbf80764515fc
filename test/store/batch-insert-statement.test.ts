import SqliteDatabase from 'better-sqlite3';
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batchInsertStatement,
  executeBatchInsert,
  flattenRows,
  placeholderDialectOf,
  quoteIdentifier,
  type BatchInsertShape,
  type PlaceholderDialect,
} from '../../src/store/batch-insert-statement.js';
import { postgresForTest } from '../support/postgres.js';

interface ItemRow {
  id: string;
  amount: bigint;
  note: string | null;
}

const ITEM_INSERT: BatchInsertShape<ItemRow, { id: string; amount: bigint | string }> = {
  table: 'items',
  columns: ['id', 'amount', 'note'],
  conflictColumns: ['id'],
  returning: ['id', 'amount'],
};

describe('batch insert statement text', () => {
  it('writes question-mark placeholders for SQLite', () => {
    expect(batchInsertStatement('sqlite', ITEM_INSERT, 2).sql).toBe(
      'insert into "items" ("id", "amount", "note") values (?, ?, ?), (?, ?, ?) on conflict ("id") do nothing returning "id", "amount"',
    );
  });

  it('numbers the placeholders across rows for PostgreSQL', () => {
    expect(batchInsertStatement('postgres', ITEM_INSERT, 3).sql).toBe(
      'insert into "items" ("id", "amount", "note") values ($1, $2, $3), ($4, $5, $6), ($7, $8, $9) on conflict ("id") do nothing returning "id", "amount"',
    );
  });

  it('leaves out the conflict target and the returning clause when they are empty', () => {
    const shape: BatchInsertShape<{ a: number; b: number }> = {
      table: 'pairs',
      columns: ['a', 'b'],
      conflictColumns: [],
      returning: [],
    };
    expect(batchInsertStatement('sqlite', shape, 1).sql).toBe('insert into "pairs" ("a", "b") values (?, ?) on conflict do nothing');
  });

  it('writes a conflict target of several columns', () => {
    const shape: BatchInsertShape<{ a: number; b: number }> = {
      table: 'pairs',
      columns: ['a', 'b'],
      conflictColumns: ['a', 'b'],
      returning: [],
    };
    expect(batchInsertStatement('postgres', shape, 1).sql).toBe(
      'insert into "pairs" ("a", "b") values ($1, $2) on conflict ("a", "b") do nothing',
    );
  });

  it('gives back the cached statement for the same shape, row count and engine', () => {
    const first = batchInsertStatement('sqlite', ITEM_INSERT, 5);
    expect(batchInsertStatement('sqlite', ITEM_INSERT, 5)).toBe(first);
    expect(batchInsertStatement('sqlite', { ...ITEM_INSERT, columns: [...ITEM_INSERT.columns] }, 5)).toBe(first);
    expect(batchInsertStatement('sqlite', ITEM_INSERT, 4)).not.toBe(first);
    expect(batchInsertStatement('postgres', ITEM_INSERT, 5)).not.toBe(first);
    expect(batchInsertStatement('sqlite', { ...ITEM_INSERT, returning: ['id'] }, 5).sql).not.toBe(first.sql);
    expect(batchInsertStatement('sqlite', { ...ITEM_INSERT, conflictColumns: ['note'] }, 5).sql).not.toBe(first.sql);
  });

  it('quotes identifiers, doubling embedded quotes', () => {
    expect(quoteIdentifier('plain')).toBe('"plain"');
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    const shape: BatchInsertShape<{ 'select "x"': number }> = {
      table: 'odd "table"',
      columns: ['select "x"'],
      conflictColumns: ['select "x"'],
      returning: [],
    };
    expect(batchInsertStatement('sqlite', shape, 1).sql).toBe(
      'insert into "odd ""table""" ("select ""x""") values (?) on conflict ("select ""x""") do nothing',
    );
  });

  it('refuses an empty row count or column list', () => {
    expect(() => batchInsertStatement('sqlite', ITEM_INSERT, 0)).toThrow(RangeError);
    expect(() => batchInsertStatement('sqlite', { ...ITEM_INSERT, columns: [] }, 1)).toThrow(RangeError);
  });

  it('flattens rows in column order, binding a missing value as null', () => {
    const rows = [
      { note: 'first', amount: 1n, id: 'a' },
      { id: 'b', amount: 2n, note: undefined as unknown as null },
    ];
    expect(flattenRows(ITEM_INSERT.columns, rows)).toEqual(['a', 1n, 'first', 'b', 2n, null]);
  });
});

describe('placeholder dialect of a Kysely instance', () => {
  it('reads SQLite and PostgreSQL placeholders from a compiled probe, without connecting', async () => {
    const sqlite = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    const postgres = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: 1 }) }) });
    try {
      expect(placeholderDialectOf(sqlite)).toBe('sqlite');
      expect(placeholderDialectOf(postgres)).toBe('postgres');
    } finally {
      await sqlite.destroy();
      await postgres.destroy();
    }
  });

  it('refuses an engine that quotes identifiers differently', () => {
    const mysql = new Kysely<unknown>({ dialect: new MysqlDialect({ pool: async () => ({}) as never }) });
    expect(() => placeholderDialectOf(mysql)).toThrow(/unsupported SQL dialect/);
  });
});

/** Inserts twice on a real engine: the second time every row conflicts and nothing comes back. */
async function expectIdempotentInsert(db: Kysely<any>, dialect: PlaceholderDialect): Promise<void> {
  await sql`create table items (id text primary key, amount bigint not null, note text)`.execute(db);
  const rows: ItemRow[] = [
    { id: 'a', amount: 9_000_000_000_000_000_000n, note: null },
    { id: 'b', amount: -5n, note: 'second' },
  ];
  const first = await db.transaction().execute((transaction) => executeBatchInsert(transaction, dialect, ITEM_INSERT, rows));
  expect(first.map((row) => ({ id: row.id, amount: BigInt(row.amount) }))).toEqual([
    { id: 'a', amount: 9_000_000_000_000_000_000n },
    { id: 'b', amount: -5n },
  ]);
  const again = await executeBatchInsert(db, dialect, ITEM_INSERT, [...rows, { id: 'c', amount: 1n, note: null }]);
  expect(again.map((row) => row.id)).toEqual(['c']);
  expect(await executeBatchInsert(db, dialect, ITEM_INSERT, [])).toEqual([]);
  const stored = await sql<{ id: string; note: string | null }>`select id, note from items order by id`.execute(db);
  expect(stored.rows).toEqual([
    { id: 'a', note: null },
    { id: 'b', note: 'second' },
    { id: 'c', note: null },
  ]);
}

describe('batch insert on SQLite', () => {
  it('returns the rows actually inserted and skips conflicting ones', async () => {
    const database = new SqliteDatabase(':memory:');
    database.defaultSafeIntegers(true);
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
    try {
      await expectIdempotentInsert(db, placeholderDialectOf(db));
    } finally {
      await db.destroy();
    }
  });

  it('inserts new rows of a transaction without RETURNING, and asks for it only when some row was stored before', async () => {
    const statements: string[] = [];
    const database = new SqliteDatabase(':memory:');
    database.defaultSafeIntegers(true);
    const db = new Kysely<any>({
      dialect: new SqliteDialect({ database }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    const returningCount = () => statements.filter((text) => text.includes(' returning ')).length;
    try {
      await sql`create table items (id text primary key, amount bigint not null, note text)`.execute(db);
      const fresh = await db.transaction().execute((transaction) =>
        executeBatchInsert(transaction, 'sqlite', ITEM_INSERT, [
          { id: 'a', amount: 9_000_000_000_000_000_000n, note: null },
          { id: 'b', amount: -5n, note: 'second' },
        ]),
      );
      expect(fresh).toEqual([
        { id: 'a', amount: 9_000_000_000_000_000_000n },
        { id: 'b', amount: -5n },
      ]);
      expect(returningCount()).toBe(0);

      const mixed = await db.transaction().execute((transaction) =>
        executeBatchInsert(transaction, 'sqlite', ITEM_INSERT, [
          { id: 'b', amount: 7n, note: 'replayed' },
          { id: 'c', amount: 3n, note: null },
          { id: 'd', amount: 4n, note: 'fourth' },
        ]),
      );
      expect(mixed.map((row) => ({ id: row.id, amount: BigInt(row.amount) }))).toEqual([
        { id: 'c', amount: 3n },
        { id: 'd', amount: 4n },
      ]);
      expect(returningCount()).toBe(1);

      const replayed = await db.transaction().execute((transaction) =>
        executeBatchInsert(transaction, 'sqlite', ITEM_INSERT, [{ id: 'a', amount: 1n, note: 'again' }]),
      );
      expect(replayed).toEqual([]);
      const stored = await sql<{ id: string; amount: bigint; note: string | null }>`select id, amount, note from items order by id`.execute(db);
      expect(stored.rows).toEqual([
        { id: 'a', amount: 9_000_000_000_000_000_000n, note: null },
        { id: 'b', amount: -5n, note: 'second' },
        { id: 'c', amount: 3n, note: null },
        { id: 'd', amount: 4n, note: 'fourth' },
      ]);
    } finally {
      await db.destroy();
    }
  });
});

// Null (with a warning) skips outside CI; with CI=true an unreachable server fails the run.
const probe = await postgresForTest();
afterAll(async () => {
  await probe?.drop();
});

describe.skipIf(probe === null)('batch insert on PostgreSQL', () => {
  it('returns the rows actually inserted and skips conflicting ones', async () => {
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: probe!.url }) }) });
    try {
      await expectIdempotentInsert(db, placeholderDialectOf(db));
    } finally {
      await db.destroy();
    }
  });
});

/**
 * The statement cache hands Kysely statements that bind parameters as call arguments. They must
 * bind exactly what the array form binds, and refuse what it refuses: an array or a plain object
 * among the parameters is not flattened into several values nor read as named parameters.
 */
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withStatementCache, type PreparingDatabase } from '../../src/store/sqlite-statement-cache.js';

let cache: PreparingDatabase | null = null;

function openCache(): PreparingDatabase {
  const database = new SqliteDatabase(':memory:');
  database.defaultSafeIntegers(true);
  database.exec('create table items (id integer primary key, name text, amount integer, payload blob)');
  cache = withStatementCache(database);
  return cache;
}

afterEach(() => {
  cache?.close();
  cache = null;
});

describe('the statement cache', () => {
  it('gives the same statement for the same SQL text', () => {
    const statements = openCache();
    expect(statements.prepare('select 1')).toBe(statements.prepare('select 1'));
    expect(statements.prepare('select 1')).not.toBe(statements.prepare('select 2'));
  });

  it('binds strings, numbers, bigints, nulls and buffers in order, for run, all and iterate', () => {
    const statements = openCache();
    const insert = statements.prepare('insert into items (id, name, amount, payload) values (?, ?, ?, ?), (?, ?, ?, ?)');
    expect(insert.reader).toBe(false);
    const result = insert.run([1, 'first', 2n ** 62n, Buffer.from([1, 2, 3]), 2, null, -5, null]);
    expect(Number(result.changes)).toBe(2);
    const select = statements.prepare('select id, name, amount, payload from items where id >= ? and amount > ? order by id');
    expect(select.reader).toBe(true);
    const rows = select.all([1, 0]);
    expect(rows).toEqual([{ id: 1n, name: 'first', amount: 2n ** 62n, payload: Buffer.from([1, 2, 3]) }]);
    expect([...select.iterate([2, 0])]).toEqual([]);
    expect(statements.prepare('select count(*) as count from items').all([])).toEqual([{ count: 2n }]);
  });

  it('binds a statement with thousands of parameters', () => {
    const statements = openCache();
    const rows = 5_000;
    const values = Array.from({ length: rows }, () => '(?, ?)').join(', ');
    const parameters = Array.from({ length: rows }, (_, index) => [index + 1, `name-${index + 1}`]).flat();
    expect(Number(statements.prepare(`insert into items (id, name) values ${values}`).run(parameters).changes)).toBe(rows);
    expect(statements.prepare('select name from items where id = ?').all([rows])).toEqual([{ name: `name-${rows}` }]);
  });

  it('refuses an array or a plain object among the parameters, as the array form does', () => {
    const statements = openCache();
    const insert = statements.prepare('insert into items (id, name) values (?, ?)');
    expect(() => insert.run([1, ['a', 'b']])).toThrow(/can only bind/);
    expect(() => insert.run([{ id: 1, name: 'a' }, 'b'])).toThrow(/can only bind/);
    expect(() => statements.prepare('insert into items (id, name, amount) values (?, ?, ?)').run([1, ['a', 'b']])).toThrow(/can only bind/);
    expect(statements.prepare('select count(*) as count from items').all([])).toEqual([{ count: 0n }]);
  });
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDatabaseUrl, parseDatabaseUrl } from '../../src/store/open-store.js';

describe('parseDatabaseUrl', () => {
  it('chooses PostgreSQL for postgres:// and postgresql://', () => {
    for (const url of ['postgres://app@db:5432/switchyard', 'postgresql://app:pw@db/switchyard?sslmode=require']) {
      expect(parseDatabaseUrl(url, 'data')).toEqual({ dialect: 'postgres', connectionString: url });
    }
  });

  it('chooses SQLite for sqlite:PATH, resolving relative paths', () => {
    expect(parseDatabaseUrl('sqlite:var/app.db', 'data')).toEqual({ dialect: 'sqlite', filename: path.resolve('var/app.db') });
    expect(parseDatabaseUrl('sqlite:///srv/app.db', 'data')).toEqual({ dialect: 'sqlite', filename: path.resolve('/srv/app.db') });
    expect(parseDatabaseUrl('sqlite::memory:', 'data')).toEqual({ dialect: 'sqlite', filename: ':memory:' });
  });

  it('defaults to switchyard.db in the data dir', () => {
    expect(parseDatabaseUrl(undefined, 'data')).toEqual({ dialect: 'sqlite', filename: path.resolve('data', 'switchyard.db') });
    expect(parseDatabaseUrl('  ', 'data')).toEqual({ dialect: 'sqlite', filename: path.resolve('data', 'switchyard.db') });
  });

  it('refuses other schemes without echoing the URL', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/app', 'data')).toThrow(/got mysql:/);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/app', 'data')).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl('sqlite:', 'data')).toThrow(/names no file/);
  });
});

describe('describeDatabaseUrl', () => {
  it('masks the password of the user part', () => {
    expect(describeDatabaseUrl('postgres://app:s3cr%40t@db.internal:5432/switchyard')).toBe(
      'postgres://app:***@db.internal:5432/switchyard',
    );
  });

  it('masks a password given as a query parameter', () => {
    const described = describeDatabaseUrl('postgresql://db/switchyard?user=app&password=hunter2&sslmode=require');
    expect(described).not.toContain('hunter2');
    expect(described).toContain('sslmode=require');
  });

  it('leaves URLs without secrets as they are', () => {
    expect(describeDatabaseUrl('postgres://app@db/switchyard')).toBe('postgres://app@db/switchyard');
    expect(describeDatabaseUrl('sqlite:data/switchyard.db')).toBe('sqlite:data/switchyard.db');
  });

  it('masks even a URL that does not parse', () => {
    const described = describeDatabaseUrl('postgres://app:pa ss word@db:notaport/x');
    expect(described).not.toContain('pa ss word');
  });
});

describe('openStore with a malformed PostgreSQL URL', () => {
  it('fails without echoing the password', async () => {
    const { openStore } = await import('../../src/store/open-store.js');
    const attempt = openStore({ databaseUrl: 'postgres://app:hunter2@db:notaport/x', dataDir: 'data' });
    await expect(attempt).rejects.toThrow(/not a valid URL/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});

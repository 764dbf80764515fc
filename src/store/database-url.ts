/** Reading `DATABASE_URL`: which engine it names, and a form of it that is safe to log. */
import path from 'node:path';

export type DatabaseLocation =
  | { dialect: 'sqlite'; /** A file path, or ":memory:". */ filename: string }
  | { dialect: 'postgres'; connectionString: string };

const SECRET_QUERY_PARAMETERS = ['password', 'sslpassword', 'sslkey'];

/**
 * `postgres://…` or `postgresql://…` → PostgreSQL; `sqlite:PATH` → SQLite at PATH (relative to the
 * working directory; `sqlite:///abs/path` and `sqlite::memory:` work too); no URL → SQLite at
 * `<dataDir>/switchyard.db`.
 */
export function parseDatabaseUrl(databaseUrl: string | undefined, dataDir: string): DatabaseLocation {
  const url = databaseUrl?.trim();
  if (!url) return { dialect: 'sqlite', filename: path.resolve(dataDir, 'switchyard.db') };
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', connectionString: url };
  if (/^sqlite:/i.test(url)) {
    let filename = url.slice('sqlite:'.length);
    if (filename.startsWith('//')) filename = filename.slice(2);
    if (filename === '') throw new Error('DATABASE_URL "sqlite:" names no file: use sqlite:PATH');
    return { dialect: 'sqlite', filename: filename === ':memory:' ? filename : path.resolve(filename) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw new Error(
    `DATABASE_URL must start with postgres://, postgresql:// or sqlite: (got ${scheme ? `${scheme}:` : 'no scheme'})`,
  );
}

/** The URL with any password (in the user part or the query) replaced by `***`, for logs. */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const parsed = new URL(databaseUrl);
    if (parsed.password) parsed.password = '***';
    for (const name of SECRET_QUERY_PARAMETERS) {
      if (parsed.searchParams.has(name)) parsed.searchParams.set(name, '***');
    }
    return parsed.toString();
  } catch {
    // Not a parseable URL: mask whatever sits between "user:" and "@" all the same.
    return databaseUrl.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

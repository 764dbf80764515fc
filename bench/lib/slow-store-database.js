// The slow-store bench's throw-away PostgreSQL database: created fresh, counted, dropped at the end
// (also when the bench is interrupted: then synchronously, through `psql`, if it is installed).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * @param {string} adminUrl a database URL the bench may CREATE DATABASE through
 * @returns {Promise<{ name: string, url: string, urlThrough: (port: number) => string }>}
 */
export async function createBenchDatabase(adminUrl) {
  const name = `switchyard_bench_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = withDatabase(adminUrl, name);
  return {
    name,
    url,
    /** The same database reached through another port on 127.0.0.1 (the delay proxy). */
    urlThrough(port) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
  };
}

function withDatabase(adminUrl, name) {
  const parsed = new URL(adminUrl);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Drops the bench database, ending any connection still open to it. */
export async function dropBenchDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** For `process.on('exit')`, where nothing asynchronous runs: psql, best effort. */
export function dropBenchDatabaseNow(adminUrl, name) {
  try {
    execFileSync('psql', [adminUrl, '-q', '-c', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * What the store holds for the account: generations (by HTTP status), ledger entries (by kind),
 * holds still open.
 * @param {string} url the bench database, directly (not through the proxy)
 * @param {string} email
 */
export async function countRecorded(url, email) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const account = await client.query('SELECT id FROM accounts WHERE email = $1', [email]);
    const accountId = account.rows[0]?.id;
    if (!accountId) throw new Error(`no account ${email} in the bench database`);
    const byStatus = await client.query(
      'SELECT http_status, count(*)::int AS n FROM generations WHERE account_id = $1 GROUP BY http_status ORDER BY http_status',
      [accountId],
    );
    const byKind = await client.query(
      'SELECT kind, count(*)::int AS n FROM ledger_entries WHERE account_id = $1 GROUP BY kind ORDER BY kind',
      [accountId],
    );
    const holds = await client.query('SELECT count(*)::int AS n FROM open_holds WHERE account_id = $1', [accountId]);
    const generationsByHttpStatus = Object.fromEntries(byStatus.rows.map((row) => [String(row.http_status), row.n]));
    const ledgerEntriesByKind = Object.fromEntries(byKind.rows.map((row) => [row.kind, row.n]));
    return {
      generations: byStatus.rows.reduce((sum, row) => sum + row.n, 0),
      generationsByHttpStatus,
      ledgerEntriesByKind,
      openHolds: holds.rows[0].n,
    };
  } finally {
    await client.end();
  }
}

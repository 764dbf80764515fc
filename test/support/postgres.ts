/**
 * PostgreSQL for tests, with the rule every service-backed test follows: when the service is not
 * reachable, CI (CI=true) fails loudly, while a developer's run skips those tests with a warning.
 */
import { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';

export const requirePostgres = process.env.CI === 'true';

export const POSTGRES_HOST = '127.0.0.1';
export const POSTGRES_PORT = 5432;

/** Overrides the admin connection the tests use (it must be able to create schemas). */
const urlOverride = process.env.SWITCHYARD_TEST_POSTGRES_URL;

export interface PostgresForTest {
  /** Connection URL whose `search_path` selects a fresh schema of its own. */
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop(): Promise<void>;
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function serviceAvailable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const finish = (available: boolean): void => {
      socket.destroy();
      resolve(available);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
    socket.connect(port, host);
  });
}

/**
 * Applies the rule for a missing service: throws when `required` (CI), otherwise warns, naming the
 * service and why, and returns null so the caller can skip.
 */
export function serviceUnavailable(service: string, reason: string, required: boolean): null {
  const message = `${service} is not available (${reason})`;
  if (required) throw new Error(`${message}; it is required when CI=true`);
  console.warn(`SKIPPED: ${message}, so the tests that need it do not run (with CI=true this fails instead).`);
  return null;
}

/**
 * A fresh, uniquely named schema in the `test` database at 127.0.0.1:5432, so test files running
 * in parallel never see each other's tables. Null (after a warning) when PostgreSQL cannot be
 * reached outside CI; throws in CI.
 */
export async function postgresForTest(): Promise<PostgresForTest | null> {
  if (!urlOverride && !(await serviceAvailable(POSTGRES_HOST, POSTGRES_PORT))) {
    return serviceUnavailable('PostgreSQL', `nothing listens on ${POSTGRES_HOST}:${POSTGRES_PORT}`, requirePostgres);
  }
  const failures: string[] = [];
  for (const adminUrl of candidateAdminUrls()) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      await client.end().catch(() => undefined);
      continue;
    }
    const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    try {
      await client.query(`create schema "${schema}"`);
    } finally {
      await client.end();
    }
    return {
      url: withSearchPath(adminUrl, schema),
      schema,
      drop: () => dropSchema(adminUrl, schema),
    };
  }
  return serviceUnavailable('PostgreSQL', `could not connect: ${failures.join('; ')}`, requirePostgres);
}

function candidateAdminUrls(): string[] {
  if (urlOverride) return [urlOverride];
  const base = `${POSTGRES_HOST}:${POSTGRES_PORT}/test`;
  const users = ['postgres', userInfo().username].filter((user, index, all) => all.indexOf(user) === index);
  return users.map((user) => `postgres://${encodeURIComponent(user)}@${base}`);
}

/** pg passes `options` to the server as start-up options, so every pooled connection uses the schema. */
function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

async function dropSchema(adminUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError } from './config-error.js';
import { resolveConfigPath } from './load-config.js';

/** Process-level settings read from the environment (contract §2). */
export interface ServerSettings {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` or `sqlite:PATH`; undefined means SQLite at `<dataDir>/switchyard.db`. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** The YAML file to read, or null when there is none (defaults apply). */
  configPath: string | null;
  secret: string | undefined;
  adminEmail: string;
  /** Undefined: a random password is generated and printed once. */
  adminPassword: string | undefined;
  /** Number of worker processes; at least 1. */
  workers: number;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/** An unset or blank variable counts as absent. */
function readVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readPort(env: NodeJS.ProcessEnv): number {
  const text = readVariable(env, 'PORT');
  if (text === undefined) return DEFAULT_PORT;
  const port = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}

function readWorkers(env: NodeJS.ProcessEnv): number {
  const text = readVariable(env, 'SWITCHYARD_WORKERS');
  if (text === undefined) return 1;
  if (text.toLowerCase() === 'auto') return availableParallelism();
  const workers = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(workers) || workers < 1) {
    throw new ConfigError(`SWITCHYARD_WORKERS must be a whole number of at least 1 or "auto", got ${JSON.stringify(text)}`);
  }
  return workers;
}

/** Reads the settings; throws a `ConfigError` naming the variable when one is malformed. */
export function readServerSettings(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ServerSettings {
  return {
    host: readVariable(env, 'HOST') ?? DEFAULT_HOST,
    port: readPort(env),
    dataDir: readVariable(env, 'SWITCHYARD_DATA_DIR') ?? DEFAULT_DATA_DIR,
    databaseUrl: readVariable(env, 'DATABASE_URL'),
    redisUrl: readVariable(env, 'REDIS_URL'),
    configPath: resolveConfigPath(env, cwd),
    // The secret and the password are taken verbatim: surrounding spaces may be intended.
    secret: env.SWITCHYARD_SECRET === '' ? undefined : env.SWITCHYARD_SECRET,
    adminEmail: readVariable(env, 'SWITCHYARD_ADMIN_EMAIL') ?? DEFAULT_ADMIN_EMAIL,
    adminPassword: env.SWITCHYARD_ADMIN_PASSWORD === '' ? undefined : env.SWITCHYARD_ADMIN_PASSWORD,
    workers: readWorkers(env),
  };
}

export const SECRET_FILE_NAME = 'secret';

/**
 * The master secret kept in `<dataDir>/secret`, generated on first use (32 random bytes,
 * base64url, file mode 0600). The file is written completely under a temporary name and then
 * hard-linked into place, which fails if it exists: processes starting together agree on one
 * secret and never read a half-written file.
 */
export function loadOrCreateSecret(dataDir: string): string {
  const secretPath = path.join(dataDir, SECRET_FILE_NAME);
  const existing = readSecretFile(secretPath);
  if (existing !== undefined) return existing;

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  const temporaryPath = `${secretPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporaryPath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporaryPath, secretPath);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = readSecretFile(secretPath);
    if (written === undefined) throw new ConfigError(`the secret file ${secretPath} is empty`);
    return written;
  } finally {
    rmSync(temporaryPath, { force: true });
  }
}

function readSecretFile(secretPath: string): string | undefined {
  try {
    const content = readFileSync(secretPath, 'utf8').trim();
    return content === '' ? undefined : content;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

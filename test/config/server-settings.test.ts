import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/temporary-directory.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadOrCreateSecret, readServerSettings } from '../../src/config/server-settings.js';

describe('readServerSettings', () => {
  const emptyDirectory = temporaryDirectory('switchyard-settings-');

  it('applies the contract defaults', () => {
    expect(readServerSettings({}, emptyDirectory)).toEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir: './data',
      databaseUrl: undefined,
      redisUrl: undefined,
      configPath: null,
      secret: undefined,
      adminEmail: 'admin@localhost',
      adminPassword: undefined,
      workers: 1,
    });
  });

  it('reads every variable', () => {
    const settings = readServerSettings(
      {
        HOST: '0.0.0.0',
        PORT: '3000',
        SWITCHYARD_DATA_DIR: '/var/lib/switchyard',
        DATABASE_URL: 'postgres://u:p@db/switchyard',
        REDIS_URL: 'redis://cache:6379',
        SWITCHYARD_CONFIG: 'conf.yaml',
        SWITCHYARD_SECRET: 's3cret',
        SWITCHYARD_ADMIN_EMAIL: 'root@example.com',
        SWITCHYARD_ADMIN_PASSWORD: 'hunter2',
        SWITCHYARD_WORKERS: '4',
      },
      emptyDirectory,
    );
    expect(settings).toEqual({
      host: '0.0.0.0',
      port: 3000,
      dataDir: '/var/lib/switchyard',
      databaseUrl: 'postgres://u:p@db/switchyard',
      redisUrl: 'redis://cache:6379',
      configPath: path.join(emptyDirectory, 'conf.yaml'),
      secret: 's3cret',
      adminEmail: 'root@example.com',
      adminPassword: 'hunter2',
      workers: 4,
    });
  });

  it('treats empty variables as unset', () => {
    const settings = readServerSettings({ HOST: '', PORT: '', SWITCHYARD_SECRET: '', DATABASE_URL: '' }, emptyDirectory);
    expect(settings).toMatchObject({ host: '127.0.0.1', port: 8080, secret: undefined, databaseUrl: undefined });
  });

  it('accepts port 0 and "auto" workers', () => {
    const settings = readServerSettings({ PORT: '0', SWITCHYARD_WORKERS: 'auto' }, emptyDirectory);
    expect(settings.port).toBe(0);
    expect(settings.workers).toBeGreaterThanOrEqual(1);
  });

  it('refuses a malformed PORT or SWITCHYARD_WORKERS with a clear message', () => {
    for (const port of ['http', '80a', '-1', '65536', '1.5']) {
      expect(() => readServerSettings({ PORT: port }, emptyDirectory)).toThrow(ConfigError);
      expect(() => readServerSettings({ PORT: port }, emptyDirectory)).toThrow(
        `PORT must be a whole number from 0 to 65535, got "${port}"`,
      );
    }
    expect(() => readServerSettings({ SWITCHYARD_WORKERS: '0' }, emptyDirectory)).toThrow(/SWITCHYARD_WORKERS/);
  });
});

describe('loadOrCreateSecret', () => {
  it('creates the data directory and a 32-byte secret with mode 0600, then reuses it', () => {
    const dataDir = path.join(temporaryDirectory('switchyard-secret-'), 'nested', 'data');
    const secret = loadOrCreateSecret(dataDir);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const secretPath = path.join(dataDir, 'secret');
    expect(readFileSync(secretPath, 'utf8').trim()).toBe(secret);
    if (process.platform !== 'win32') expect(statSync(secretPath).mode & 0o777).toBe(0o600);

    expect(loadOrCreateSecret(dataDir)).toBe(secret);
  });

  it('reads a secret that already exists', () => {
    const dataDir = temporaryDirectory('switchyard-secret-');
    writeFileSync(path.join(dataDir, 'secret'), 'given-secret\n', { mode: 0o600 });
    expect(loadOrCreateSecret(dataDir)).toBe('given-secret');
  });
});

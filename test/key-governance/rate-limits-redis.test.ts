import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KeyGovernance, openRateLimitRedis } from '../../src/accounts/key-governance.js';
import { redisForTest } from '../support/redis.js';
import { callerWith, recordingLogger, refusalOf } from './governance-fixtures.js';

// Probes once for the whole file: null (with a warning) skips, and CI=true throws instead.
const redis = await redisForTest();
afterAll(async () => {
  await redis?.cleanup();
});

const admission = { clientAddress: () => '127.0.0.1', estimatedPromptTokens: 10 };

describe.skipIf(redis === null)('rate limits in Redis', () => {
  // Until its connection is ready an instance counts in memory, so each test waits for it.
  async function governance(options: { windowSeconds?: number } = {}): Promise<KeyGovernance> {
    return new KeyGovernance({ redis: await redis!.connect(), keyPrefix: redis!.keyPrefix, ...options });
  }

  it('two gateway instances sharing Redis enforce one RPM limit between them', async () => {
    const first = await governance();
    const second = await governance();
    const caller = callerWith({ keyRpm: 4 });
    await first.admit(caller, admission);
    await second.admit(caller, admission);
    await first.admit(caller, admission);
    await second.admit(caller, admission);
    const refusal = await refusalOf(first.admit(caller, admission));
    expect(refusal.code).toBe('rate_limit_exceeded');
    expect(refusal.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refusal.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await refusalOf(second.admit(caller, admission))).code).toBe('rate_limit_exceeded');
  });

  it('admits exactly the limit when many requests race across instances', async () => {
    const instances = await Promise.all([governance(), governance(), governance()]);
    const caller = callerWith({ accountRpm: 25 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, index) => instances[index % instances.length]!.admit(caller, admission)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(25);
  });

  it('tokens recorded by one instance count against the TPM limit seen by another', async () => {
    const first = await governance();
    const second = await governance();
    const caller = callerWith({ keyTpm: 1000, accountTpm: 5000 });
    first.recordTokens(caller, 990);
    await first.flush();
    await second.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 10 });
    const refusal = await refusalOf(second.admit(caller, { clientAddress: () => null, estimatedPromptTokens: 11 }));
    expect(refusal.message).toContain('this API key');
    expect(refusal.message).toContain('tokens');
  });

  it('gives back an RPM slot taken by a refused request, also in Redis', async () => {
    const instance = await governance();
    const caller = callerWith({ keyRpm: 2, accountRpm: 1 });
    await instance.admit(caller, admission);
    await refusalOf(instance.admit(caller, admission));
    await refusalOf(instance.admit(caller, admission));
    const keyCounter = await (await redis!.connect()).get(`${redis!.keyPrefix}key-rpm:${caller.key.id}`);
    expect(keyCounter).toBe('1');
  });

  it('starts a new window once the old one expires', async () => {
    const instance = await governance({ windowSeconds: 1 });
    const caller = callerWith({ keyRpm: 1 });
    await instance.admit(caller, admission);
    const refusal = await refusalOf(instance.admit(caller, admission));
    expect(refusal.details.retryAfterSeconds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await instance.admit(caller, admission);
  });
});

describe('Redis outage', () => {
  it('falls back to per-instance memory limits, keeps limiting, and logs a warning', async () => {
    const logger = recordingLogger();
    // Nothing listens on port 1: the connection never becomes ready.
    const unreachable = openRateLimitRedis('redis://127.0.0.1:1');
    const instance = new KeyGovernance({ redis: unreachable, logger });
    try {
      const caller = callerWith({ keyRpm: 2, keyTpm: 100 });
      await instance.admit(caller, admission);
      await instance.admit(caller, admission);
      expect((await refusalOf(instance.admit(caller, admission))).code).toBe('rate_limit_exceeded');
      instance.recordTokens(callerWith({ keyTpm: 100 }), 50);
      await instance.flush();
      await vi.waitFor(() => expect(logger.warnings.some((message) => message.includes('Redis is unreachable'))).toBe(true));
    } finally {
      await instance.close();
      unreachable.disconnect();
    }
  });
});

/** A Redis server of this test's own, so that it can be stopped and started; null without the binary. */
async function startOwnRedis(port: number): Promise<ChildProcess | null> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const started = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.once('spawn', () => resolve(true));
  });
  return started ? server : null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Redis going away while the gateway runs', () => {
  it('keeps admitting without waiting, warns, and shares counts again once Redis is back', async () => {
    const port = await freePort();
    let server = await startOwnRedis(port);
    if (server === null) {
      console.warn('SKIPPED: redis-server is not installed, so the outage test does not run.');
      return;
    }
    const logger = recordingLogger();
    const connection = openRateLimitRedis(`redis://127.0.0.1:${port}`);
    const instance = new KeyGovernance({ redis: connection, logger });
    const caller = callerWith({ keyRpm: 1000 });
    try {
      await vi.waitFor(() => expect(connection.status).toBe('ready'), { timeout: 5000 });
      await instance.admit(caller, admission);

      server.kill('SIGKILL');
      await vi.waitFor(() => expect(connection.status).not.toBe('ready'), { timeout: 5000 });
      await instance.admit(caller, admission);
      await instance.admit(caller, admission);
      await vi.waitFor(() => expect(logger.warnings).toContain('Redis is unreachable: rate limits are counted per gateway instance until it returns'));

      server = await startOwnRedis(port);
      await vi.waitFor(() => expect(connection.status).toBe('ready'), { timeout: 10_000, interval: 100 });
      await instance.admit(caller, admission);
      expect(logger.notes).toContain('Redis is reachable again: rate limits are shared across gateway instances');
      // The new server started empty; the admission after it came back was counted there.
      expect(await connection.get(`switchyard:rate:key-rpm:${caller.key.id}`)).toBe('1');
    } finally {
      await instance.close();
      connection.disconnect();
      server?.kill('SIGKILL');
    }
  }, 20_000);
});

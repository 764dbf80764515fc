/**
 * Redis for tests, with the rule every service-backed test follows: when Redis is not reachable,
 * CI (CI=true) fails loudly, while a developer's run skips those tests with a warning. Each use
 * gets a unique key prefix, and clean-up deletes only keys under that prefix.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceAvailable, serviceUnavailable } from './postgres.js';

export const requireRedis = process.env.CI === 'true';

export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = 6379;

/** Overrides where the tests find Redis (`redis://host:port/db`). */
const urlOverride = process.env.SWITCHYARD_TEST_REDIS_URL;

export interface RedisForTest {
  url: string;
  /** Unique to this use: every key a test writes should start with it. */
  keyPrefix: string;
  /** A new connection, once it is ready (each is closed by `cleanup`). */
  connect(): Promise<Redis>;
  /** Deletes the keys under `keyPrefix` and closes every connection made by `connect`. */
  cleanup(): Promise<void>;
}

export async function redisForTest(): Promise<RedisForTest | null> {
  const url = urlOverride ?? `redis://${REDIS_HOST}:${REDIS_PORT}`;
  const target = new URL(url);
  if (!(await serviceAvailable(target.hostname, Number(target.port || REDIS_PORT)))) {
    return serviceUnavailable('Redis', `nothing listens on ${target.hostname}:${target.port || REDIS_PORT}`, requireRedis);
  }
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    probe.disconnect();
    return serviceUnavailable('Redis', `could not connect: ${error instanceof Error ? error.message : String(error)}`, requireRedis);
  }
  const keyPrefix = `switchyard-test:${Date.now().toString(36)}-${randomBytes(4).toString('hex')}:`;
  const connections: Redis[] = [probe];
  return {
    url,
    keyPrefix,
    async connect() {
      const connection = new Redis(url, { lazyConnect: true });
      connections.push(connection);
      await connection.connect();
      return connection;
    },
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await probe.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
        if (keys.length > 0) await probe.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      for (const connection of connections) connection.disconnect();
    },
  };
}

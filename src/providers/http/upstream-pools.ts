import type { Client } from 'undici';
import { IdleFirstPool } from './idle-first-pool.js';
import { defaultUpstreamTimeouts } from './upstream-timeouts.js';

/**
 * One keep-alive connection pool per upstream origin, shared by every channel that talks to it,
 * so TLS handshakes and TCP connections are reused across requests.
 */
const pools = new Map<string, IdleFirstPool>();

const defaultConnectTimeoutMs = defaultUpstreamTimeouts.connectMs;

/**
 * Options of each connection. The pool has no cap on connections: a request waiting for a free
 * one is a request the gateway holds back; long streams (and slow first bytes) each keep one
 * busy, and an upstream limits its own concurrency.
 */
const connectionOptions: Client.Options = {
  // Upstreams usually close idle connections after a few seconds; stay just under typical values.
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
  pipelining: 1,
  // Timeouts are applied per request from the channel's own setting.
  headersTimeout: 0,
  bodyTimeout: 0,
};

/**
 * The pool of an origin. The connect deadline is a property of a pool's connector, so channels
 * of one origin with different connect deadlines get one pool each (nearly always there is one).
 */
export function getUpstreamPool(origin: string, connectTimeoutMs: number = defaultConnectTimeoutMs): IdleFirstPool {
  const key = connectTimeoutMs === defaultConnectTimeoutMs ? origin : `${origin} ${connectTimeoutMs}`;
  let pool = pools.get(key);
  if (pool === undefined || pool.closed || pool.destroyed) {
    pool = new IdleFirstPool(origin, { ...connectionOptions, connect: { timeout: Math.max(0, connectTimeoutMs) } });
    pools.set(key, pool);
  }
  return pool;
}

/** Closes every pool: in-flight requests finish, idle sockets close. Call on shutdown. */
export async function closeUpstreamPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close().catch(() => undefined));
  pools.clear();
  await Promise.all(closing);
}

/** Destroys every pool at once, aborting in-flight requests (tests, forced shutdown). */
export async function destroyUpstreamPools(): Promise<void> {
  const destroying = [...pools.values()].map((pool) => pool.destroy().catch(() => undefined));
  pools.clear();
  await Promise.all(destroying);
}

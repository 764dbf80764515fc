import { Pool } from 'undici';
import { defaultUpstreamTimeouts } from './upstream-timeouts.js';

/**
 * One keep-alive connection pool per upstream origin, shared by every channel that talks to it,
 * so TLS handshakes and TCP connections are reused across requests.
 */
const pools = new Map<string, Pool>();

const defaultConnectTimeoutMs = defaultUpstreamTimeouts.connectMs;

const poolOptions: Pool.Options = {
  // Upstreams usually close idle connections after a few seconds; stay just under typical values.
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
  // No cap: a request waiting for a free connection is a request the gateway holds back; long
  // streams (and slow first bytes) each keep one busy, and an upstream limits its own concurrency.
  connections: null,
  pipelining: 1,
  // Timeouts are applied per request from the channel's own setting.
  headersTimeout: 0,
  bodyTimeout: 0,
};

/**
 * The pool of an origin. The connect deadline is a property of a pool's connector, so channels
 * of one origin with different connect deadlines get one pool each (nearly always there is one).
 */
export function getUpstreamPool(origin: string, connectTimeoutMs: number = defaultConnectTimeoutMs): Pool {
  const key = connectTimeoutMs === defaultConnectTimeoutMs ? origin : `${origin} ${connectTimeoutMs}`;
  let pool = pools.get(key);
  if (pool === undefined || pool.closed || pool.destroyed) {
    pool = new Pool(origin, { ...poolOptions, connect: { timeout: Math.max(0, connectTimeoutMs) } });
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

import { Pool } from 'undici';

/**
 * One keep-alive connection pool per upstream origin, shared by every channel that talks to it,
 * so TLS handshakes and TCP connections are reused across requests.
 */
const pools = new Map<string, Pool>();

const poolOptions: Pool.Options = {
  // Upstreams usually close idle connections after a few seconds; stay just under typical values.
  keepAliveTimeout: 4_000,
  keepAliveMaxTimeout: 60_000,
  connections: 128,
  pipelining: 1,
  // Timeouts are applied per request from the channel's own setting.
  headersTimeout: 0,
  bodyTimeout: 0,
};

export function getUpstreamPool(origin: string): Pool {
  let pool = pools.get(origin);
  if (pool === undefined || pool.closed || pool.destroyed) {
    pool = new Pool(origin, poolOptions);
    pools.set(origin, pool);
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

/**
 * Fixed-window counters on rate-limiter-flexible: in process memory, or in Redis so that several
 * gateway instances count together.
 *
 * Limits differ per key and per account and can change at any moment, so each counter kind is one
 * limiter with an unreachable `points` ceiling: the library keeps the atomic count and the window,
 * and the caller compares the count with the key's or account's own limit.
 *
 * Redis outage: each Redis limiter carries a `RateLimiterMemory` insurance limiter and refuses to
 * queue commands while Redis is not ready, so while Redis is down every instance limits on its own
 * (the limit holds per instance instead of across them) and requests never wait on Redis. A warning
 * is logged when Redis goes away and a note when it is back.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';

export interface WindowCount {
  /** The total counted in the current window, this change included. */
  consumed: number;
  /** Milliseconds until the current window ends and the count starts again from zero. */
  msBeforeReset: number;
}

export interface WarningLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface WindowCounterBackend {
  /** Where counts live; null for this process's memory. */
  redis: Redis | null;
  /** Prefix of every Redis key (default `switchyard:rate:`). */
  keyPrefix: string;
  windowSeconds: number;
}

/** Far above any real limit; the library's own comparison never triggers. */
const UNREACHABLE_POINTS = Number.MAX_SAFE_INTEGER;

export class WindowCounter {
  readonly #limiter: RateLimiterAbstract;
  readonly #windowMs: number;

  /** `name` becomes part of every key: `<keyPrefix><name>:<key or account id>`. */
  constructor(name: string, backend: WindowCounterBackend) {
    const options = { points: UNREACHABLE_POINTS, duration: backend.windowSeconds, keyPrefix: `${backend.keyPrefix}${name}` };
    this.#windowMs = backend.windowSeconds * 1000;
    this.#limiter =
      backend.redis === null
        ? new RateLimiterMemory(options)
        : new RateLimiterRedis({
            ...options,
            storeClient: backend.redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(options),
          });
  }

  /** Adds `amount` (a whole number) to the window of `key`, starting a window when none is open. */
  async add(key: string, amount: number): Promise<WindowCount> {
    return this.#toCount(await this.#limiter.penalty(key, amount));
  }

  /** Takes back what `add` counted (a refused request gives back its slot). */
  async remove(key: string, amount: number): Promise<void> {
    await this.#limiter.reward(key, amount);
  }

  /** The current window of `key`; a count of 0 when none is open. */
  async read(key: string): Promise<WindowCount> {
    const result = await this.#limiter.get(key);
    return result === null ? { consumed: 0, msBeforeReset: this.#windowMs } : this.#toCount(result);
  }

  #toCount(result: RateLimiterRes): WindowCount {
    // A negative time means the entry has no expiry (never the case for these windows), so fall back to a whole window.
    return { consumed: result.consumedPoints, msBeforeReset: result.msBeforeNext >= 0 ? result.msBeforeNext : this.#windowMs };
  }
}

/** Logs when the shared counters become unreachable (limits fall back to each instance) and when they return. */
export function watchRedisForRateLimits(redis: Redis, logger: WarningLogger): () => void {
  let down = false;
  const onError = (error: Error): void => {
    if (down) return;
    down = true;
    logger.warn({ err: { message: error.message } }, 'Redis is unreachable: rate limits are counted per gateway instance until it returns');
  };
  const onReady = (): void => {
    if (!down) return;
    down = false;
    logger.info({}, 'Redis is reachable again: rate limits are shared across gateway instances');
  };
  redis.on('error', onError);
  redis.on('ready', onReady);
  return () => {
    redis.off('error', onError);
    redis.off('ready', onReady);
  };
}

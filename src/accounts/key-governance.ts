/**
 * What a key (and its account) may do beyond being valid: where it may be used from, which models
 * it may use, and how fast. The request pipeline calls `admit` before going upstream and
 * `recordTokens` after; both throw or count nothing else.
 */
import { Redis } from 'ioredis';
import { GatewayError } from '../core/index.js';
import { checkModelAllowed } from '../pipeline/admission.js';
import type { Caller } from './api-key-authenticator.js';
import { ipAllowlistOf } from './ip-allowlist.js';
import { RateLimits } from './rate-limits.js';
import { watchRedisForRateLimits, type WarningLogger } from './window-counter.js';

export interface KeyAdmission {
  /** The model as the client named it; when given, the key's model allowlist is checked. */
  modelName?: string;
  /** The catalog id it resolved to. */
  modelId?: string;
  /** The model's creator, so that `creator/*` entries match unpinned requests too. */
  modelCreator?: string | null;
  /** Reads the client's address (see `createClientAddressResolver`), null when unknown; called only for a key with an IP allowlist. */
  clientAddress: () => string | null;
  /** Prompt tokens as counted before the request, for the TPM check. */
  estimatedPromptTokens: number;
}

export interface KeyGovernanceOptions {
  /** Counts shared across gateway instances in this Redis; null or absent for process memory. */
  redis?: Redis | null;
  /** Prefix of the Redis keys (default `switchyard:rate:`). */
  keyPrefix?: string;
  /** Length of a rate-limit window in seconds (default 60: per-minute limits). */
  windowSeconds?: number;
  logger?: WarningLogger;
}

const SILENT: WarningLogger = { warn: () => undefined, info: () => undefined };

export class KeyGovernance {
  readonly #limits: RateLimits;
  readonly #stopWatching: () => void;

  constructor(options: KeyGovernanceOptions = {}) {
    const logger = options.logger ?? SILENT;
    const redis = options.redis ?? null;
    this.#limits = new RateLimits(
      { redis, keyPrefix: options.keyPrefix ?? 'switchyard:rate:', windowSeconds: options.windowSeconds ?? 60 },
      logger,
    );
    this.#stopWatching = redis ? watchRedisForRateLimits(redis, logger) : () => undefined;
  }

  /** Throws 403 `ip_not_allowed` when the key has an IP allowlist that does not hold the address. */
  checkClientIp(caller: Caller, clientAddress: () => string | null): void {
    const allowlist = ipAllowlistOf(caller.key.ipAllowlist ?? []);
    if (allowlist.allowsEveryAddress) return;
    const clientIp = clientAddress();
    if (allowlist.allows(clientIp)) return;
    throw new GatewayError('ip_not_allowed', `This API key may not be used from the address ${clientIp ?? '(unknown)'}.`);
  }

  /**
   * Admits a request, in this order: IP allowlist (403 `ip_not_allowed`), model allowlist when a
   * model is named (403 `model_not_allowed`), TPM room of key and account, then one RPM slot of
   * each (429 `rate_limit_exceeded` with `retryAfterSeconds`). Nothing is counted for a request
   * refused here.
   */
  async admit(caller: Caller, admission: KeyAdmission): Promise<void> {
    this.checkClientIp(caller, admission.clientAddress);
    if (admission.modelName !== undefined) {
      checkModelAllowed(caller, admission.modelName, admission.modelId ?? admission.modelName, admission.modelCreator);
    }
    await this.#limits.admit(caller, admission.estimatedPromptTokens);
  }

  /** Counts the tokens a finished request used (prompt and completion) against the TPM windows. */
  recordTokens(caller: Caller, tokens: number): void {
    this.#limits.recordTokens(caller, tokens);
  }

  /** Resolves once every recorded token count has been written. */
  flush(): Promise<void> {
    return this.#limits.flush();
  }

  /** Waits for pending counts and stops watching Redis; the Redis connection is the caller's to close. */
  async close(): Promise<void> {
    await this.flush();
    this.#stopWatching();
  }
}

/**
 * A Redis connection suited to rate limits: commands fail at once instead of queueing while Redis
 * is away (the in-memory insurance limiter answers instead), and a hung Redis cannot stall a
 * request for longer than `commandTimeoutMs`.
 */
export function openRateLimitRedis(url: string, commandTimeoutMs = 500): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: commandTimeoutMs });
}

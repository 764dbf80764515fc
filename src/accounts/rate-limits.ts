/**
 * Requests-per-minute and tokens-per-minute limits of keys (`rpm`, `tpm` columns) and of accounts.
 *
 * RPM: each admitted request takes one slot of the key's and of the account's window; a request
 * refused by either gives back every slot it took.
 * TPM: before a request, the tokens already counted in the window must leave room for its
 * estimated prompt tokens (a request starting an empty window always fits, so a prompt larger than
 * the whole limit is not refused forever); after it, `recordTokens` counts the tokens it really
 * used. Requests admitted together within a window can therefore overrun a TPM limit by what they
 * use between admission and recording: TPM limits throughput, it does not reserve it.
 *
 * Counting errors (beyond what the insurance limiter absorbs) fail open with a logged warning: a
 * broken counter must not take the gateway down.
 */
import { GatewayError } from '../core/index.js';
import type { Caller } from './api-key-authenticator.js';
import { WindowCounter, type WarningLogger, type WindowCounterBackend } from './window-counter.js';

type Scope = 'key' | 'account';

interface ScopedLimit {
  scope: Scope;
  id: string;
  limit: number;
}

interface Refusal {
  scope: Scope;
  limit: number;
  unit: 'requests' | 'tokens';
  msBeforeReset: number;
}

export class RateLimits {
  readonly #requests: Record<Scope, WindowCounter>;
  readonly #tokens: Record<Scope, WindowCounter>;
  readonly #logger: WarningLogger;
  readonly #windowName: string;
  readonly #pending = new Set<Promise<void>>();

  constructor(backend: WindowCounterBackend, logger: WarningLogger) {
    this.#requests = { key: new WindowCounter('key-rpm', backend), account: new WindowCounter('account-rpm', backend) };
    this.#tokens = { key: new WindowCounter('key-tpm', backend), account: new WindowCounter('account-tpm', backend) };
    this.#logger = logger;
    this.#windowName = backend.windowSeconds === 60 ? 'minute' : `${backend.windowSeconds} seconds`;
  }

  /** Checks TPM room, then takes an RPM slot; throws 429 `rate_limit_exceeded` with `retryAfterSeconds`. */
  async admit(caller: Caller, estimatedPromptTokens: number): Promise<void> {
    const tokenLimits = limitsOf(caller, 'tpm');
    const requestLimits = limitsOf(caller, 'rpm');
    if (tokenLimits.length === 0 && requestLimits.length === 0) return;
    const estimate = Math.max(0, Math.ceil(estimatedPromptTokens));

    const tokenRefusals = await Promise.all(tokenLimits.map((limit) => this.#checkTokens(limit, estimate)));
    throwFirst(tokenRefusals, this.#windowName);

    const taken = await Promise.all(requestLimits.map((limit) => this.#takeRequestSlot(limit)));
    const refusals = taken.map((result) => result.refusal);
    if (refusals.some((refusal) => refusal !== null)) {
      await Promise.all(taken.filter((result) => result.counted).map((result) => this.#giveBackSlot(result.limit)));
      throwFirst(refusals, this.#windowName);
    }
  }

  /** Counts the tokens a finished request used against the key's and the account's TPM windows. */
  recordTokens(caller: Caller, tokens: number): void {
    const amount = Math.ceil(tokens);
    if (!Number.isFinite(amount) || amount <= 0) return;
    for (const limit of limitsOf(caller, 'tpm')) {
      const recording = this.#tokens[limit.scope]
        .add(limit.id, amount)
        .then(() => undefined)
        .catch((error: unknown) => this.#warn(error, 'could not count tokens for a TPM limit'))
        .finally(() => this.#pending.delete(recording));
      this.#pending.add(recording);
    }
  }

  /** Resolves once every `recordTokens` call so far has been counted (for shutdown and tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #checkTokens(limit: ScopedLimit, estimate: number): Promise<Refusal | null> {
    try {
      const window = await this.#tokens[limit.scope].read(limit.id);
      const fits = window.consumed < limit.limit && (window.consumed === 0 || window.consumed + estimate <= limit.limit);
      return fits ? null : { scope: limit.scope, limit: limit.limit, unit: 'tokens', msBeforeReset: window.msBeforeReset };
    } catch (error) {
      this.#warn(error, 'could not read a TPM window; the request is let through');
      return null;
    }
  }

  async #takeRequestSlot(limit: ScopedLimit): Promise<{ limit: ScopedLimit; counted: boolean; refusal: Refusal | null }> {
    try {
      const window = await this.#requests[limit.scope].add(limit.id, 1);
      const refusal: Refusal | null =
        window.consumed > limit.limit ? { scope: limit.scope, limit: limit.limit, unit: 'requests', msBeforeReset: window.msBeforeReset } : null;
      return { limit, counted: true, refusal };
    } catch (error) {
      this.#warn(error, 'could not count a request for an RPM limit; the request is let through');
      return { limit, counted: false, refusal: null };
    }
  }

  async #giveBackSlot(limit: ScopedLimit): Promise<void> {
    try {
      await this.#requests[limit.scope].remove(limit.id, 1);
    } catch (error) {
      this.#warn(error, 'could not give back an RPM slot');
    }
  }

  #warn(error: unknown, message: string): void {
    this.#logger.warn({ err: { message: error instanceof Error ? error.message : String(error) } }, message);
  }
}

/** Whether the key or its account has a requests or tokens per minute limit. */
export function hasRateLimits(caller: Caller): boolean {
  const { key, account } = caller;
  return (key.rpm ?? null) !== null || (key.tpm ?? null) !== null || (account.rpm ?? null) !== null || (account.tpm ?? null) !== null;
}

function limitsOf(caller: Caller, kind: 'rpm' | 'tpm'): ScopedLimit[] {
  const limits: ScopedLimit[] = [];
  const keyLimit = caller.key[kind];
  if (keyLimit !== null && keyLimit !== undefined) limits.push({ scope: 'key', id: caller.key.id, limit: keyLimit });
  const accountLimit = caller.account[kind];
  if (accountLimit !== null && accountLimit !== undefined) limits.push({ scope: 'account', id: caller.account.id, limit: accountLimit });
  return limits;
}

function throwFirst(refusals: readonly (Refusal | null)[], windowName: string): void {
  const refusal = refusals.find((candidate): candidate is Refusal => candidate !== null);
  if (!refusal) return;
  const owner = refusal.scope === 'key' ? 'this API key' : 'this account';
  throw new GatewayError(
    'rate_limit_exceeded',
    `Rate limit reached for ${owner}: ${refusal.limit} ${refusal.unit} per ${windowName}. Retry after the time in the retry-after header.`,
    { retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeReset / 1000)) },
  );
}

export interface LoginThrottleOptions {
  /** Failures allowed within the window before attempts are refused. Default 10. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** Keys remembered at most; beyond it the oldest are forgotten. Default 50 000. */
  maxTrackedKeys?: number;
  now?: () => number;
}

/**
 * Counts failed log-in attempts per key (email and client address) in a sliding window, in this
 * process's memory. Once a key reaches the limit, attempts are refused until its oldest failure
 * leaves the window, whether or not the password would be right.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxTrackedKeys: number;
  private readonly now: () => number;

  constructor(options: LoginThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.maxTrackedKeys = options.maxTrackedKeys ?? 50_000;
    this.now = options.now ?? Date.now;
  }

  /** Seconds until the key may try again; 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.maxFailures) return 0;
    const oldestThatCounts = recent[recent.length - this.maxFailures]!;
    return Math.max(1, Math.ceil((oldestThatCounts + this.windowMs - this.now()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    // Only the newest `maxFailures` decide when the key is let through again.
    if (recent.length > this.maxFailures) recent.splice(0, recent.length - this.maxFailures);
    this.failures.delete(key);
    this.failures.set(key, recent);
    if (this.failures.size > this.maxTrackedKeys) this.forgetOldest();
  }

  /** Forgets the key's failures (after a successful log-in). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const cutoff = this.now() - this.windowMs;
    const recent = times.filter((time) => time > cutoff);
    if (recent.length === 0) this.failures.delete(key);
    else if (recent.length !== times.length) this.failures.set(key, recent);
    return recent;
  }

  private forgetOldest(): void {
    // Keys are re-inserted on every failure, so the map's first keys are the least recently failed.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxTrackedKeys) break;
      this.failures.delete(key);
    }
  }
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSettings {
  /** Consecutive failures that open the breaker. */
  failures: number;
  /** How long the first opening lasts; each re-opening without a success in between doubles it. */
  cooldownMs: number;
  maxCooldownMs: number;
}

/** What an attempt was let through as: ordinary traffic, or the single probe of a half-open breaker. */
export type AttemptPermit = 'normal' | 'probe';

/**
 * A per-channel circuit breaker. Closed: traffic flows and consecutive failures are counted.
 * Open: nothing is sent until the cooldown ends. Half-open (the cooldown has ended): one request
 * at a time is let through as a probe; its success closes the breaker, its failure re-opens it
 * for twice as long (up to the ceiling). Time is passed in, so tests control the clock.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  /** Openings since the last success; sets the length of the next cooldown. */
  private trips = 0;
  private opened = false;
  private openUntil = 0;
  private probeSince: number | null = null;

  constructor(private settings: BreakerSettings) {}

  configure(settings: BreakerSettings): void {
    this.settings = settings;
  }

  state(now: number): BreakerState {
    if (!this.opened) return 'closed';
    return now < this.openUntil ? 'open' : 'half_open';
  }

  /** Whether a plan may include the channel now (a half-open breaker whose probe is out may not). */
  canRoute(now: number): boolean {
    if (!this.opened) return true;
    if (now < this.openUntil) return false;
    return !this.probeInFlight(now);
  }

  /** Claims the right to send one attempt; null when the breaker refuses it. */
  tryAcquire(now: number): AttemptPermit | null {
    if (!this.opened) return 'normal';
    if (now < this.openUntil || this.probeInFlight(now)) return null;
    this.probeSince = now;
    return 'probe';
  }

  onSuccess(permit: AttemptPermit): void {
    // An answer to a request sent before the breaker opened proves little; only the probe closes it.
    if (this.opened && permit !== 'probe') return;
    this.opened = false;
    this.probeSince = null;
    this.consecutiveFailures = 0;
    this.trips = 0;
  }

  onFailure(now: number, permit: AttemptPermit): void {
    if (this.opened) {
      if (permit === 'probe') this.open(now);
      return;
    }
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.settings.failures) this.open(now);
  }

  /** The probe ended without a verdict (the client left): let another request probe. */
  onAbandoned(permit: AttemptPermit): void {
    if (permit === 'probe') this.probeSince = null;
  }

  /** Back to closed with a clean slate (an operator re-enabled the channel). */
  reset(): void {
    this.onSuccess('probe');
  }

  get failuresInARow(): number {
    return this.consecutiveFailures;
  }

  get openings(): number {
    return this.trips;
  }

  /** When the current opening ends; null while closed. */
  get openedUntil(): number | null {
    return this.opened ? this.openUntil : null;
  }

  private open(now: number): void {
    this.trips++;
    this.opened = true;
    this.probeSince = null;
    this.openUntil = now + this.cooldownFor(this.trips);
  }

  private cooldownFor(trips: number): number {
    const { cooldownMs, maxCooldownMs } = this.settings;
    // 2^(trips-1), without overflowing for a channel that has been dead for a long time.
    const factor = 2 ** Math.min(trips - 1, 30);
    return Math.min(cooldownMs * factor, Math.max(cooldownMs, maxCooldownMs));
  }

  /** A probe that never reported back (lost) stops blocking after one cooldown's length. */
  private probeInFlight(now: number): boolean {
    if (this.probeSince === null) return false;
    return now - this.probeSince < this.cooldownFor(Math.max(1, this.trips));
  }
}

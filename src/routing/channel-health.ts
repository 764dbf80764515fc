import { CircuitBreaker, type AttemptPermit, type BreakerSettings, type BreakerState } from './circuit-breaker.js';
import { classifyFailure, type FailureKind, type FailureOutcome } from './classify-failure.js';
import { RollingWindow, type WindowSummary } from './rolling-window.js';

export type DisabledBy = 'credential' | 'operator';

export interface ChannelDisablement {
  reason: string;
  by: DisabledBy;
  at: number;
}

/** Why a channel is (or is not) in plans right now, most decisive first. */
export type ChannelCondition = 'available' | 'disabled' | 'cooling_down' | 'breaker_open' | 'probing';

export interface ChannelHealthSnapshot extends WindowSummary {
  condition: ChannelCondition;
  breaker: BreakerState;
  consecutiveFailures: number;
  /** Breaker openings since the last success. */
  breakerOpenings: number;
  breakerOpenUntil: number | null;
  /** Skipped until then because the upstream sent `retry-after`. */
  coolingDownUntil: number | null;
  disabled: ChannelDisablement | null;
  /** Smoothed latency of successful attempts (what `least-latency` ranks by). */
  smoothedLatencyMs: number | null;
  windowMs: number;
}

export interface HealthLogger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

export interface ChannelHealthOptions {
  breaker: BreakerSettings;
  now?: () => number;
  logger?: HealthLogger;
  /** Longest `retry-after` honoured; longer requests are cut to this. */
  maxRetryAfterMs?: number;
}

/** What planning reads: constant time per channel, no allocation. */
export interface ChannelAvailability {
  isRoutable(channelId: string): boolean;
  /** Smoothed latency for `least-latency`; null before the first success. */
  latencyScore(channelId: string): number | null;
  /** How long until the channel may be routable again; null when it is now, or not by waiting (disabled). */
  availableAgainInMs(channelId: string): number | null;
}

/** What failover reports to: it asks before each attempt and tells how each one ended. */
export interface AttemptHealth {
  beginAttempt(channelId: string): AttemptPermit | null;
  recordSuccess(channelId: string, latencyMs: number, permit: AttemptPermit): void;
  recordFailure(channelId: string, outcome: FailureOutcome, latencyMs: number, permit: AttemptPermit): void;
  recordAbandoned(channelId: string, permit: AttemptPermit): void;
}

class ChannelRecord {
  readonly window = new RollingWindow();
  readonly breaker: CircuitBreaker;
  coolingDownUntil = 0;
  disabled: ChannelDisablement | null = null;
  smoothedLatency: number | null = null;

  constructor(settings: BreakerSettings) {
    this.breaker = new CircuitBreaker(settings);
  }
}

const smoothing = 0.3;
/** Failures that show in the error rate without tripping the breaker: they are about this channel's setup. */
const blamesChannelSetup: ReadonlySet<FailureKind> = new Set(['credential', 'forbidden', 'model_unavailable']);
const dayMs = 86_400_000;

/**
 * The health of every channel, kept across configuration reloads (by channel id): a rolling
 * window of outcomes and latencies, a circuit breaker, a `retry-after` cooldown, and a disabled
 * flag with its reason. Disablement lives in memory (and in the log): a restart starts clean, and
 * a channel whose credential is still wrong is disabled again by its first failed request.
 */
export class ChannelHealth implements ChannelAvailability, AttemptHealth {
  private readonly records = new Map<string, ChannelRecord>();
  private breakerSettings: BreakerSettings;
  private readonly now: () => number;
  private readonly logger: HealthLogger | undefined;
  private readonly maxRetryAfterMs: number;

  constructor(options: ChannelHealthOptions) {
    this.breakerSettings = options.breaker;
    this.now = options.now ?? Date.now;
    this.logger = options.logger;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? dayMs;
  }

  /** New breaker settings (a configuration reload); counts and states are kept. */
  configure(breaker: BreakerSettings): void {
    this.breakerSettings = breaker;
    for (const record of this.records.values()) record.breaker.configure(breaker);
  }

  isRoutable(channelId: string): boolean {
    const record = this.records.get(channelId);
    if (!record) return true;
    if (record.disabled) return false;
    const now = this.now();
    return now >= record.coolingDownUntil && record.breaker.canRoute(now);
  }

  latencyScore(channelId: string): number | null {
    return this.records.get(channelId)?.smoothedLatency ?? null;
  }

  availableAgainInMs(channelId: string): number | null {
    const record = this.records.get(channelId);
    if (!record || record.disabled) return null;
    const wait = Math.max(record.coolingDownUntil, record.breaker.openedUntil ?? 0) - this.now();
    return wait > 0 ? wait : null;
  }

  beginAttempt(channelId: string): AttemptPermit | null {
    const record = this.records.get(channelId);
    if (!record) return 'normal';
    if (record.disabled) return null;
    const now = this.now();
    if (now < record.coolingDownUntil) return null;
    return record.breaker.tryAcquire(now);
  }

  recordSuccess(channelId: string, latencyMs: number, permit: AttemptPermit): void {
    const record = this.record(channelId);
    record.window.recordAttempt(this.now(), false, latencyMs);
    record.smoothedLatency = record.smoothedLatency === null ? latencyMs : record.smoothedLatency + smoothing * (latencyMs - record.smoothedLatency);
    const wasOpen = record.breaker.openedUntil !== null;
    record.breaker.onSuccess(permit);
    if (wasOpen && record.breaker.openedUntil === null) this.logger?.info({ channel: channelId }, 'channel breaker closed: the probe succeeded');
  }

  recordFailure(channelId: string, outcome: FailureOutcome, latencyMs: number, permit: AttemptPermit): void {
    if (outcome.kind === 'cancelled') {
      this.recordAbandoned(channelId, permit);
      return;
    }
    const record = this.record(channelId);
    const now = this.now();
    if (outcome.channelFault || blamesChannelSetup.has(outcome.kind)) record.window.recordAttempt(now, true, latencyMs);
    if (outcome.disableReason !== null) {
      record.breaker.onAbandoned(permit);
      this.disable(channelId, outcome.disableReason, 'credential');
      return;
    }
    if (!outcome.channelFault) {
      record.breaker.onAbandoned(permit);
      return;
    }
    if (outcome.retryAfterMs !== null) {
      const until = now + Math.min(outcome.retryAfterMs, this.maxRetryAfterMs);
      if (until > record.coolingDownUntil) record.coolingDownUntil = until;
    }
    const wasOpen = record.breaker.openedUntil;
    record.breaker.onFailure(now, permit);
    const openUntil = record.breaker.openedUntil;
    if (openUntil !== null && openUntil !== wasOpen) {
      this.logger?.warn(
        { channel: channelId, openUntil: new Date(openUntil).toISOString(), openings: record.breaker.openings, failure: outcome.kind },
        'channel breaker opened',
      );
    }
  }

  recordAbandoned(channelId: string, permit: AttemptPermit): void {
    this.records.get(channelId)?.breaker.onAbandoned(permit);
  }

  /** A stream that failed after it opened (reset, garbage, idle cut): counts against the channel. */
  recordStreamFailure(channelId: string, error: unknown): void {
    this.recordFailure(channelId, classifyFailure(error, false), 0, 'normal');
  }

  recordTimeToFirstToken(channelId: string, milliseconds: number): void {
    this.record(channelId).window.recordTimeToFirstToken(this.now(), milliseconds);
  }

  disable(channelId: string, reason: string, by: DisabledBy): void {
    const record = this.record(channelId);
    // An operator's word is not overwritten by an automatic one.
    if (record.disabled?.by === 'operator' && by === 'credential') return;
    record.disabled = { reason, by, at: this.now() };
    this.logger?.warn({ channel: channelId, reason, by }, 'channel disabled');
  }

  /** Back in service with a clean breaker and no cooldown; true when it was disabled. */
  enable(channelId: string): boolean {
    const record = this.records.get(channelId);
    if (!record) return false;
    const wasDisabled = record.disabled !== null;
    record.disabled = null;
    record.coolingDownUntil = 0;
    record.breaker.reset();
    if (wasDisabled) this.logger?.info({ channel: channelId }, 'channel enabled');
    return wasDisabled;
  }

  disablement(channelId: string): ChannelDisablement | null {
    return this.records.get(channelId)?.disabled ?? null;
  }

  /** Channels disabled by `by`, for the prober. */
  disabledChannels(by: DisabledBy): string[] {
    const ids: string[] = [];
    for (const [id, record] of this.records) if (record.disabled?.by === by) ids.push(id);
    return ids;
  }

  snapshot(channelId: string): ChannelHealthSnapshot {
    const now = this.now();
    const record = this.records.get(channelId) ?? new ChannelRecord(this.breakerSettings);
    const breaker = record.breaker.state(now);
    return {
      ...record.window.summary(now),
      condition: conditionOf(record, breaker, now),
      breaker,
      consecutiveFailures: record.breaker.failuresInARow,
      breakerOpenings: record.breaker.openings,
      breakerOpenUntil: record.breaker.openedUntil,
      coolingDownUntil: record.coolingDownUntil > now ? record.coolingDownUntil : null,
      disabled: record.disabled,
      smoothedLatencyMs: record.smoothedLatency === null ? null : Math.round(record.smoothedLatency),
      windowMs: record.window.spanMs,
    };
  }

  private record(channelId: string): ChannelRecord {
    let record = this.records.get(channelId);
    if (!record) {
      record = new ChannelRecord(this.breakerSettings);
      this.records.set(channelId, record);
    }
    return record;
  }
}

function conditionOf(record: ChannelRecord, breaker: BreakerState, now: number): ChannelCondition {
  if (record.disabled) return 'disabled';
  if (now < record.coolingDownUntil) return 'cooling_down';
  if (breaker === 'open') return 'breaker_open';
  if (breaker === 'half_open') return 'probing';
  return 'available';
}

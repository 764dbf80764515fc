import { describe, expect, it } from 'vitest';
import { ChannelHealth } from '../../src/routing/channel-health.js';
import { classifyFailure, type FailureOutcome } from '../../src/routing/classify-failure.js';
import { GatewayError } from '../../src/core/index.js';
import { RollingWindow } from '../../src/routing/rolling-window.js';
import { latencyBin, quantileOfBins, latencyBinCount } from '../../src/routing/latency-histogram.js';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

function failure(status: number, details: Record<string, unknown> = {}): FailureOutcome {
  return classifyFailure(new GatewayError('upstream_error', `HTTP ${status}`, { upstreamStatus: status, retryElsewhere: true, ...details }), false);
}

function logger() {
  const lines: Array<{ level: string; object: object; message: string }> = [];
  return {
    lines,
    warn: (object: object, message: string) => lines.push({ level: 'warn', object, message }),
    info: (object: object, message: string) => lines.push({ level: 'info', object, message }),
  };
}

const breaker = { failures: 2, cooldownMs: 10_000, maxCooldownMs: 60_000 };

describe('ChannelHealth', () => {
  it('routes an unknown channel without creating state for it', () => {
    const health = new ChannelHealth({ breaker });
    expect(health.isRoutable('fresh')).toBe(true);
    expect(health.beginAttempt('fresh')).toBe('normal');
    expect(health.disabledChannels('credential')).toEqual([]);
    expect(health.snapshot('fresh')).toMatchObject({ condition: 'available', attempts: 0, errorRate: null, breaker: 'closed' });
  });

  it('opens the breaker after a run of failures, logs it, and lets one probe through after the cooldown', () => {
    const time = clock();
    const log = logger();
    const health = new ChannelHealth({ breaker, now: time.now, logger: log });
    health.recordFailure('a', failure(503), 5, 'normal');
    expect(health.isRoutable('a')).toBe(true);
    health.recordFailure('a', failure(503), 5, 'normal');
    expect(health.isRoutable('a')).toBe(false);
    expect(health.snapshot('a')).toMatchObject({ condition: 'breaker_open', breaker: 'open', breakerOpenUntil: time.state.now + 10_000 });
    expect(health.availableAgainInMs('a')).toBe(10_000);
    expect(log.lines.map((line) => line.message)).toContain('channel breaker opened');

    time.state.now += 10_000;
    expect(health.isRoutable('a')).toBe(true);
    expect(health.snapshot('a').condition).toBe('probing');
    const permit = health.beginAttempt('a');
    expect(permit).toBe('probe');
    expect(health.beginAttempt('a')).toBeNull();
    expect(health.isRoutable('a')).toBe(false);
    health.recordSuccess('a', 40, permit!);
    expect(health.snapshot('a').condition).toBe('available');
    expect(log.lines.at(-1)?.message).toBe('channel breaker closed: the probe succeeded');
  });

  it('skips a channel until its retry-after has passed', () => {
    const time = clock();
    const health = new ChannelHealth({ breaker: { ...breaker, failures: 5 }, now: time.now });
    health.recordFailure('a', failure(429, { retryAfterSeconds: 30 }), 5, 'normal');
    expect(health.isRoutable('a')).toBe(false);
    expect(health.beginAttempt('a')).toBeNull();
    expect(health.snapshot('a')).toMatchObject({ condition: 'cooling_down', coolingDownUntil: time.state.now + 30_000, breaker: 'closed' });
    time.state.now += 29_999;
    expect(health.isRoutable('a')).toBe(false);
    time.state.now += 1;
    expect(health.isRoutable('a')).toBe(true);
    expect(health.snapshot('a').coolingDownUntil).toBeNull();
  });

  it('caps an absurd retry-after', () => {
    const time = clock();
    const health = new ChannelHealth({ breaker: { ...breaker, failures: 5 }, now: time.now, maxRetryAfterMs: 60_000 });
    health.recordFailure('a', failure(429, { retryAfterSeconds: 86_400 }), 5, 'normal');
    expect(health.availableAgainInMs('a')).toBe(60_000);
  });

  it('disables a channel on a credential failure with the reason, until enabled', () => {
    const time = clock();
    const log = logger();
    const health = new ChannelHealth({ breaker, now: time.now, logger: log });
    health.recordFailure('a', failure(401), 5, 'normal');
    expect(health.isRoutable('a')).toBe(false);
    expect(health.availableAgainInMs('a')).toBeNull();
    expect(health.disablement('a')).toEqual({ reason: expect.stringContaining('HTTP 401'), by: 'credential', at: time.state.now });
    expect(health.disabledChannels('credential')).toEqual(['a']);
    expect(log.lines.find((line) => line.message === 'channel disabled')?.object).toMatchObject({ channel: 'a', by: 'credential' });
    expect(health.snapshot('a')).toMatchObject({ condition: 'disabled', failures: 1 });
    expect(health.enable('a')).toBe(true);
    expect(health.isRoutable('a')).toBe(true);
  });

  it('keeps an operator disablement over a later automatic one, and enable clears breaker and cooldown', () => {
    const time = clock();
    const health = new ChannelHealth({ breaker, now: time.now });
    health.disable('a', 'maintenance', 'operator');
    health.recordFailure('a', failure(401), 5, 'normal');
    expect(health.disablement('a')).toMatchObject({ reason: 'maintenance', by: 'operator' });
    expect(health.disabledChannels('credential')).toEqual([]);
    health.enable('a');
    health.recordFailure('a', failure(429, { retryAfterSeconds: 60 }), 5, 'normal');
    health.recordFailure('a', failure(503), 5, 'normal');
    expect(health.isRoutable('a')).toBe(false);
    health.enable('a');
    expect(health.isRoutable('a')).toBe(true);
    expect(health.snapshot('a')).toMatchObject({ breaker: 'closed', coolingDownUntil: null });
  });

  it('does not count client errors or cancellations against the channel, and frees a probe they held', () => {
    const time = clock();
    const health = new ChannelHealth({ breaker, now: time.now });
    const client = classifyFailure(new GatewayError('invalid_request', 'bad', { upstreamStatus: 400, retryElsewhere: false }), false);
    for (let index = 0; index < 5; index++) health.recordFailure('a', client, 5, 'normal');
    expect(health.snapshot('a')).toMatchObject({ breaker: 'closed', failures: 0 });
    health.recordFailure('a', failure(503), 5, 'normal');
    health.recordFailure('a', failure(503), 5, 'normal');
    time.state.now += 10_000;
    const permit = health.beginAttempt('a')!;
    health.recordFailure('a', classifyFailure(failure(503), true), 5, permit);
    expect(health.beginAttempt('a')).toBe('probe');
  });

  it('counts a stream that failed after opening against the channel', () => {
    const health = new ChannelHealth({ breaker, now: clock().now });
    const reset = new GatewayError('upstream_error', 'connection reset', { retryElsewhere: true });
    health.recordStreamFailure('a', reset);
    health.recordStreamFailure('a', reset);
    expect(health.snapshot('a').breaker).toBe('open');
  });

  it('reports the error rate and latency percentiles of the window, and forgets what is older', () => {
    const time = clock(0);
    const health = new ChannelHealth({ breaker: { ...breaker, failures: 100 }, now: time.now });
    for (let index = 1; index <= 100; index++) health.recordSuccess('a', index * 10, 'normal');
    for (let index = 0; index < 25; index++) health.recordFailure('a', failure(500), 3, 'normal');
    health.recordTimeToFirstToken('a', 250);
    const summary = health.snapshot('a');
    expect(summary.attempts).toBe(125);
    expect(summary.failures).toBe(25);
    expect(summary.errorRate).toBeCloseTo(0.2);
    // True p50 is 500 ms and p95 950 ms; bins of 25% report within ±12%.
    expect(summary.latencyP50Ms).toBeGreaterThan(440);
    expect(summary.latencyP50Ms).toBeLessThan(560);
    expect(summary.latencyP95Ms).toBeGreaterThan(836);
    expect(summary.latencyP95Ms).toBeLessThan(1064);
    expect(summary.timeToFirstTokenP50Ms).toBeGreaterThan(220);
    expect(summary.timeToFirstTokenP50Ms).toBeLessThan(280);
    time.state.now += summary.windowMs;
    expect(health.snapshot('a')).toMatchObject({ attempts: 0, errorRate: null, latencyP50Ms: null });
  });

  it('smooths latency for least-latency ranking', () => {
    const health = new ChannelHealth({ breaker, now: clock().now });
    expect(health.latencyScore('a')).toBeNull();
    health.recordSuccess('a', 100, 'normal');
    expect(health.latencyScore('a')).toBe(100);
    health.recordSuccess('a', 200, 'normal');
    expect(health.latencyScore('a')).toBeCloseTo(130);
  });
});

describe('RollingWindow and latency bins', () => {
  it('keeps each bin within 25% and reads quantiles by rank', () => {
    for (const value of [1, 2, 10, 99, 1_000, 65_000, 600_000]) {
      const bin = latencyBin(value);
      expect(1.25 ** bin).toBeGreaterThanOrEqual(value);
      expect(1.25 ** (bin - 1)).toBeLessThan(value);
    }
    expect(latencyBin(10 ** 12)).toBe(latencyBinCount - 1);
    const bins = new Uint32Array(latencyBinCount);
    expect(quantileOfBins(bins, 0.5)).toBeNull();
    bins[latencyBin(10)] = 9;
    bins[latencyBin(1_000)] = 1;
    expect(quantileOfBins(bins, 0.9)).toBeLessThan(12);
    expect(quantileOfBins(bins, 0.95)).toBeGreaterThan(880);
  });

  it('drops buckets older than the window one by one', () => {
    const window = new RollingWindow(1_000, 3);
    window.recordAttempt(0, true, null);
    window.recordAttempt(1_000, false, 5);
    window.recordAttempt(2_000, false, 5);
    expect(window.summary(2_500)).toMatchObject({ attempts: 3, failures: 1 });
    expect(window.summary(3_000)).toMatchObject({ attempts: 2, failures: 0 });
    window.recordAttempt(3_000, true, null);
    expect(window.summary(3_000)).toMatchObject({ attempts: 3, failures: 1 });
  });
});

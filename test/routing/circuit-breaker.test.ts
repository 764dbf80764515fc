import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/routing/circuit-breaker.js';

const settings = { failures: 3, cooldownMs: 1_000, maxCooldownMs: 5_000 };

function failTimes(breaker: CircuitBreaker, now: number, times: number): void {
  for (let index = 0; index < times; index++) breaker.onFailure(now, 'normal');
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold, and a success resets the run', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 2);
    expect(breaker.state(0)).toBe('closed');
    expect(breaker.failuresInARow).toBe(2);
    breaker.onSuccess('normal');
    failTimes(breaker, 0, 2);
    expect(breaker.state(0)).toBe('closed');
    expect(breaker.tryAcquire(0)).toBe('normal');
  });

  it('opens after a run of failures and refuses everything until the cooldown ends', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 100, 3);
    expect(breaker.state(100)).toBe('open');
    expect(breaker.openedUntil).toBe(1_100);
    expect(breaker.canRoute(1_099)).toBe(false);
    expect(breaker.tryAcquire(1_099)).toBeNull();
    expect(breaker.state(1_100)).toBe('half_open');
    expect(breaker.canRoute(1_100)).toBe(true);
  });

  it('lets exactly one probe through when half-open; the probe success closes it', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 3);
    expect(breaker.tryAcquire(1_000)).toBe('probe');
    expect(breaker.tryAcquire(1_001)).toBeNull();
    expect(breaker.canRoute(1_001)).toBe(false);
    breaker.onSuccess('probe');
    expect(breaker.state(1_002)).toBe('closed');
    expect(breaker.openings).toBe(0);
    expect(breaker.tryAcquire(1_002)).toBe('normal');
  });

  it('re-opens on a failed probe with a doubled cooldown, capped at the ceiling', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 3);
    let now = 1_000;
    const cooldowns: number[] = [];
    for (let round = 0; round < 5; round++) {
      expect(breaker.tryAcquire(now)).toBe('probe');
      breaker.onFailure(now, 'probe');
      cooldowns.push(breaker.openedUntil! - now);
      now = breaker.openedUntil!;
    }
    expect(cooldowns).toEqual([2_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('ignores late answers of requests sent before it opened', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 3);
    breaker.onSuccess('normal');
    expect(breaker.state(10)).toBe('open');
    breaker.onFailure(10, 'normal');
    expect(breaker.openedUntil).toBe(1_000);
  });

  it('frees the probe slot when the probe is abandoned, and when a lost probe outlives a cooldown', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 3);
    expect(breaker.tryAcquire(1_000)).toBe('probe');
    breaker.onAbandoned('probe');
    expect(breaker.tryAcquire(1_001)).toBe('probe');
    // Never reported back: after one cooldown (1 s for the first opening) another probe may go.
    expect(breaker.tryAcquire(1_500)).toBeNull();
    expect(breaker.tryAcquire(2_001)).toBe('probe');
  });

  it('reset closes it with a clean slate', () => {
    const breaker = new CircuitBreaker(settings);
    failTimes(breaker, 0, 3);
    breaker.reset();
    expect(breaker.state(0)).toBe('closed');
    expect(breaker.failuresInARow).toBe(0);
    failTimes(breaker, 0, 2);
    expect(breaker.state(0)).toBe('closed');
  });
});

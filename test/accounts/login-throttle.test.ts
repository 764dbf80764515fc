import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/accounts/login-throttle.js';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('LoginThrottle', () => {
  it('lets attempts through until the limit, then asks to wait for the oldest failure to age out', () => {
    const time = clock();
    const throttle = new LoginThrottle({ maxFailures: 3, windowMs: 60_000, now: time.now });
    throttle.recordFailure('a');
    time.state.now += 10_000;
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    time.state.now += 10_000;
    throttle.recordFailure('a');
    // The first failure was 20 s ago and counts for 60 s.
    expect(throttle.retryAfterSeconds('a')).toBe(40);
    expect(throttle.retryAfterSeconds('b')).toBe(0);
    time.state.now += 39_999;
    expect(throttle.retryAfterSeconds('a')).toBe(1);
    time.state.now += 1;
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('forgets a key on reset', () => {
    const time = clock();
    const throttle = new LoginThrottle({ maxFailures: 2, windowMs: 60_000, now: time.now });
    throttle.recordFailure('a');
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBeGreaterThan(0);
    throttle.reset('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
  });

  it('uses the default of 10 failures in 15 minutes', () => {
    const time = clock();
    const throttle = new LoginThrottle({ now: time.now });
    for (let attempt = 0; attempt < 9; attempt += 1) throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(0);
    throttle.recordFailure('a');
    expect(throttle.retryAfterSeconds('a')).toBe(15 * 60);
  });

  it('keeps memory bounded by forgetting the least recently failed keys', () => {
    const time = clock();
    const throttle = new LoginThrottle({ maxFailures: 1, windowMs: 60_000, maxTrackedKeys: 2, now: time.now });
    throttle.recordFailure('first');
    throttle.recordFailure('second');
    throttle.recordFailure('third');
    expect(throttle.retryAfterSeconds('first')).toBe(0);
    expect(throttle.retryAfterSeconds('second')).toBeGreaterThan(0);
    expect(throttle.retryAfterSeconds('third')).toBeGreaterThan(0);
  });
});

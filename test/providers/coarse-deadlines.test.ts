import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COARSE_FROM_MS, coarseDeadlinesWaiting, RESOLUTION_MS, startDeadline } from '../../src/providers/http/coarse-deadlines.js';

describe('startDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a long deadline no sooner than its delay and at most one resolution later', () => {
    const fired = vi.fn();
    startDeadline(COARSE_FROM_MS, fired);
    vi.advanceTimersByTime(COARSE_FROM_MS - 1);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(RESOLUTION_MS + 1);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * COARSE_FROM_MS);
    expect(fired).toHaveBeenCalledTimes(1);
    expect(coarseDeadlinesWaiting()).toBe(0);
    // Nothing left ticking once the list is empty.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is never early when set between two ticks', () => {
    const first = vi.fn();
    startDeadline(60_000, first);
    vi.advanceTimersByTime(RESOLUTION_MS - 1);
    const second = vi.fn();
    startDeadline(COARSE_FROM_MS, second);
    vi.advanceTimersByTime(COARSE_FROM_MS - 1);
    expect(second).not.toHaveBeenCalled();
    vi.advanceTimersByTime(RESOLUTION_MS + 1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('fires at the first check after a delay that is no multiple of the interval', () => {
    const fired = vi.fn();
    startDeadline(60_000, () => {}).cancel();
    startDeadline(60_000, () => {});
    vi.advanceTimersByTime(100);
    startDeadline(COARSE_FROM_MS + 1, fired);
    vi.advanceTimersByTime(COARSE_FROM_MS);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(RESOLUTION_MS);
    expect(fired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
  });

  it('never fires a cancelled deadline, and keeps nothing of it', () => {
    const fired = vi.fn();
    const deadlines = Array.from({ length: 5 }, (_, index) => startDeadline(COARSE_FROM_MS + index * 1_000, fired));
    expect(coarseDeadlinesWaiting()).toBe(5);
    // From the middle, the ends and twice: the list stays whole.
    deadlines[2]!.cancel();
    deadlines[0]!.cancel();
    deadlines[4]!.cancel();
    deadlines[4]!.cancel();
    expect(coarseDeadlinesWaiting()).toBe(2);
    deadlines[1]!.cancel();
    deadlines[3]!.cancel();
    expect(coarseDeadlinesWaiting()).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a timer of its own, to the millisecond, for a short deadline', () => {
    const fired = vi.fn();
    const deadline = startDeadline(120, fired);
    expect(coarseDeadlinesWaiting()).toBe(0);
    vi.advanceTimersByTime(119);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
    deadline.cancel();
    const cancelled = vi.fn();
    startDeadline(120, cancelled).cancel();
    vi.advanceTimersByTime(1_000);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('never fires a deadline of zero or less', () => {
    const fired = vi.fn();
    startDeadline(0, fired);
    startDeadline(-5, fired);
    vi.advanceTimersByTime(60_000);
    expect(fired).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires the other deadlines due in a tick when one callback throws, and lets callbacks set new ones', () => {
    const later = vi.fn();
    const second = vi.fn(() => {
      startDeadline(COARSE_FROM_MS, later);
    });
    startDeadline(COARSE_FROM_MS, () => {
      throw new Error('boom');
    });
    startDeadline(COARSE_FROM_MS, second);
    // The failure is thrown again on the next tick, where it reaches the process as a timer's would.
    const rethrows: Array<() => void> = [];
    const nextTick = vi.spyOn(process, 'nextTick').mockImplementation(((callback: () => void) => {
      rethrows.push(callback);
    }) as typeof process.nextTick);
    try {
      vi.advanceTimersByTime(COARSE_FROM_MS + RESOLUTION_MS);
    } finally {
      nextTick.mockRestore();
    }
    expect(second).toHaveBeenCalledTimes(1);
    expect(rethrows).toHaveLength(1);
    expect(() => rethrows[0]!()).toThrow('boom');
    vi.advanceTimersByTime(COARSE_FROM_MS + RESOLUTION_MS);
    expect(later).toHaveBeenCalledTimes(1);
  });
});

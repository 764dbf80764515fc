import { describe, expect, it } from 'vitest';
import { budgetPeriodEnd, budgetPeriodStart } from '../../src/credit/budget-period.js';

describe('budget periods (UTC)', () => {
  const at = Date.parse('2026-03-05T17:45:00.000Z'); // a Thursday

  it('starts a day at midnight, a week on Monday, a month on the first', () => {
    expect(new Date(budgetPeriodStart('day', at)!).toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(new Date(budgetPeriodStart('week', at)!).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(new Date(budgetPeriodStart('month', at)!).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(budgetPeriodStart('total', at)).toBeNull();
    expect(budgetPeriodStart(undefined, at)).toBeNull();
  });

  it('puts a Sunday in the week that began the Monday before', () => {
    expect(new Date(budgetPeriodStart('week', Date.parse('2026-03-08T23:59:59.999Z'))!).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(new Date(budgetPeriodStart('week', Date.parse('2026-03-09T00:00:00.000Z'))!).toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });

  it('ends each period where the next begins, months of any length included', () => {
    const february = budgetPeriodStart('month', Date.parse('2028-02-29T12:00:00Z'))!;
    expect(new Date(budgetPeriodEnd('month', february)).toISOString()).toBe('2028-03-01T00:00:00.000Z');
    const december = budgetPeriodStart('month', Date.parse('2026-12-31T23:00:00Z'))!;
    expect(new Date(budgetPeriodEnd('month', december)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    const day = budgetPeriodStart('day', at)!;
    expect(budgetPeriodEnd('day', day)).toBe(budgetPeriodStart('day', at + 86_400_000));
    expect(new Date(budgetPeriodEnd('week', budgetPeriodStart('week', at)!)).toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });
});

/**
 * Budget periods of API keys, in UTC: a day starts at midnight, a week on Monday at midnight
 * (ISO 8601 weeks), a month on its first day at midnight.
 */
import type { BudgetPeriod } from '../store/store.js';

const DAY_MS = 86_400_000;

/** Start (ms) of the period containing `at`; null for a total budget, which never resets. */
export function budgetPeriodStart(period: BudgetPeriod | undefined, at: number): number | null {
  const date = new Date(at);
  switch (period ?? 'total') {
    case 'total':
      return null;
    case 'day':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
    case 'week': {
      const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
      // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
      const daysSinceMonday = (date.getUTCDay() + 6) % 7;
      return midnight - daysSinceMonday * DAY_MS;
    }
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
  }
}

/** When the period that started at `start` ends (the next one starts). */
export function budgetPeriodEnd(period: Exclude<BudgetPeriod, 'total'>, start: number): number {
  const date = new Date(start);
  switch (period) {
    case 'day':
      return start + DAY_MS;
    case 'week':
      return start + 7 * DAY_MS;
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
}

/**
 * Usage reports of one account: filtered, paged lists of its generations, daily totals for charts,
 * and a row-by-row read for exports that never holds a whole range in memory.
 */
import type { GenerationRecord, GenerationStatus } from './store.js';

export interface UsageFilter {
  accountId: string;
  /** Inclusive, ms since the epoch. */
  from?: number;
  /** Exclusive, ms since the epoch. */
  to?: number;
  model?: string;
  keyId?: string;
  status?: GenerationStatus;
}

/** A position in the newest-first order: the last record of a page. */
export interface UsageCursor {
  createdAt: number;
  id: string;
}

export interface UsagePageRequest {
  limit: number;
  /** Records after this one; wins over `offset`. */
  cursor?: UsageCursor;
  offset?: number;
}

export interface UsagePage {
  /** Newest first. */
  records: GenerationRecord[];
  /** Where the next page starts; null on the last page. */
  next: UsageCursor | null;
}

export type UsageGrouping = 'model' | 'key';

export interface DailyUsageRow {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  /** The model id, or the key id (null for requests made without a key), per the grouping. */
  group: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  cost: bigint;
}

export interface UsageReportStore {
  listUsage(filter: UsageFilter, page: UsagePageRequest): Promise<UsagePage>;
  /** By day, then group, ascending. */
  dailyUsage(filter: UsageFilter, grouping: UsageGrouping): Promise<DailyUsageRow[]>;
  /** Every matching record, newest first, read `batchSize` at a time. */
  streamUsage(filter: UsageFilter, batchSize?: number): AsyncIterable<GenerationRecord>;
}

import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database } from './database-schema.js';
import type {
  DailyUsageRow,
  UsageCursor,
  UsageFilter,
  UsageGrouping,
  UsagePage,
  UsagePageRequest,
  UsageReportStore,
} from './usage-report-store.js';
import type { GenerationRecord } from './store.js';
import { generationFromRow } from './record-mapping.js';
import { toBigInt, toNumber } from './column-values.js';

const MS_PER_DAY = 86_400_000;

type GenerationQuery<Output> = SelectQueryBuilder<Database, 'generations', Output>;

export class KyselyUsageReportStore implements UsageReportStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listUsage(filter: UsageFilter, page: UsagePageRequest): Promise<UsagePage> {
    let query = filtered(this.db.selectFrom('generations').selectAll(), filter);
    if (page.cursor) query = after(query, page.cursor);
    query = query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit + 1);
    if (!page.cursor && page.offset) query = query.offset(page.offset);
    const rows = await query.execute();
    const records = rows.slice(0, page.limit).map(generationFromRow);
    const last = records.at(-1);
    const next = rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null;
    return { records, next };
  }

  async dailyUsage(filter: UsageFilter, grouping: UsageGrouping): Promise<DailyUsageRow[]> {
    // Integer division on both engines (int8 / int in PostgreSQL, INTEGER / INTEGER in SQLite).
    const day = sql<bigint | number | string>`created_at / ${sql.lit(MS_PER_DAY)}`;
    const column = grouping === 'model' ? 'model' : 'key_id';
    const rows = await filtered(this.db.selectFrom('generations'), filter)
      .select([
        day.as('day'),
        `${column} as group_value`,
        (builder) => builder.fn.countAll<bigint | number | string>().as('requests'),
        sql<bigint | number | string>`sum(prompt_tokens)`.as('prompt_tokens'),
        sql<bigint | number | string>`sum(completion_tokens)`.as('completion_tokens'),
        sql<bigint | number | string>`sum(cached_tokens)`.as('cached_tokens'),
        sql<bigint | number | string>`sum(reasoning_tokens)`.as('reasoning_tokens'),
        sql<bigint | number | string>`sum(cost)`.as('cost'),
      ])
      .groupBy([day, column])
      .orderBy(day)
      .orderBy(column)
      .execute();
    return rows.map((row) => ({
      day: new Date(toNumber(row.day) * MS_PER_DAY).toISOString().slice(0, 10),
      group: row.group_value,
      requests: toNumber(row.requests),
      promptTokens: toNumber(row.prompt_tokens),
      completionTokens: toNumber(row.completion_tokens),
      cachedTokens: toNumber(row.cached_tokens),
      reasoningTokens: toNumber(row.reasoning_tokens),
      cost: toBigInt(row.cost),
    }));
  }

  async *streamUsage(filter: UsageFilter, batchSize = 500): AsyncIterable<GenerationRecord> {
    let cursor: UsageCursor | undefined;
    for (;;) {
      const page = await this.listUsage(filter, { limit: batchSize, ...(cursor ? { cursor } : {}) });
      yield* page.records;
      if (!page.next) return;
      cursor = page.next;
    }
  }
}

function filtered<Output>(query: GenerationQuery<Output>, filter: UsageFilter): GenerationQuery<Output> {
  let result = query.where('account_id', '=', filter.accountId);
  if (filter.from !== undefined) result = result.where('created_at', '>=', filter.from);
  if (filter.to !== undefined) result = result.where('created_at', '<', filter.to);
  if (filter.model !== undefined) result = result.where('model', '=', filter.model);
  if (filter.keyId !== undefined) result = result.where('key_id', '=', filter.keyId);
  if (filter.status !== undefined) result = result.where('status', '=', filter.status);
  return result;
}

function after<Output>(query: GenerationQuery<Output>, cursor: UsageCursor): GenerationQuery<Output> {
  return query.where((builder) =>
    builder.or([
      builder('created_at', '<', cursor.createdAt),
      builder.and([builder('created_at', '=', cursor.createdAt), builder('id', '<', cursor.id)]),
    ]),
  );
}

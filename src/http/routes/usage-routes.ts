/**
 * Usage reports of the caller's account (API key or session): `GET /api/usage` (contract §5,
 * with filters and paging), `GET /api/usage/daily` (totals per UTC day and model or key, for
 * charts) and `GET /api/usage.csv` (the same records as CSV, streamed).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../core/index.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import { usageCsvChunks } from '../../reporting/usage-csv.js';
import type { UsageCursor, UsageFilter, UsageReportStore } from '../../store/usage-report-store.js';
import type { PrincipalResolver } from '../principal.js';
import { encodeGeneration } from './encode-generation-record.js';
import { isoTimeSchema, parseQuery } from './parse-request-input.js';

export interface UsageRoutesDependencies {
  principals: Pick<PrincipalResolver, 'resolve'>;
  usage: UsageReportStore;
  /** Stores the settlements recorded so far (`SettlementSink.flush`), so reports include the latest requests. */
  flushSettlements?: () => Promise<void>;
}

const filterQuery = {
  from: isoTimeSchema.optional(),
  to: isoTimeSchema.optional(),
  model: z.string().min(1).max(200).optional(),
  key: z.string().min(1).max(200).optional(),
  status: z.enum(['success', 'error', 'cancelled']).optional(),
};

const listQuery = z.object({
  ...filterQuery,
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).optional(),
  cursor: z.string().min(1).max(400).optional(),
});

const dailyQuery = z.object({ ...filterQuery, group_by: z.enum(['model', 'key']).default('model') });

const csvQuery = z.object(filterQuery);

export function registerUsageRoutes(app: FastifyInstance, deps: UsageRoutesDependencies): void {
  app.get('/api/usage', async (request) => {
    const { account } = await deps.principals.resolve(request.headers);
    const query = parseQuery(listQuery, request.query);
    const filter = toFilter(account.id, query);
    await deps.flushSettlements?.();
    const page = await deps.usage.listUsage(filter, {
      limit: query.limit,
      ...(query.cursor !== undefined ? { cursor: decodeCursor(query.cursor) } : {}),
      ...(query.offset !== undefined ? { offset: query.offset } : {}),
    });
    return {
      data: page.records.map(encodeGeneration),
      has_more: page.next !== null,
      next_cursor: page.next === null ? null : encodeCursor(page.next),
    };
  });

  app.get('/api/usage/daily', async (request) => {
    const { account } = await deps.principals.resolve(request.headers);
    const query = parseQuery(dailyQuery, request.query);
    const filter = toFilter(account.id, query);
    await deps.flushSettlements?.();
    const rows = await deps.usage.dailyUsage(filter, query.group_by);
    const groupField = query.group_by === 'model' ? 'model' : 'key_id';
    return {
      group_by: query.group_by,
      data: rows.map((row) => ({
        day: row.day,
        [groupField]: row.group,
        requests: row.requests,
        prompt_tokens: row.promptTokens,
        completion_tokens: row.completionTokens,
        cached_tokens: row.cachedTokens,
        reasoning_tokens: row.reasoningTokens,
        cost: unitsToUsdNumber(row.cost),
      })),
    };
  });

  app.get('/api/usage.csv', async (request, reply) => {
    const { account } = await deps.principals.resolve(request.headers);
    const query = parseQuery(csvQuery, request.query);
    const filter = toFilter(account.id, query);
    await deps.flushSettlements?.();
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="usage.csv"')
      .header('cache-control', 'no-store');
    return reply.send(Readable.from(usageCsvChunks(deps.usage.streamUsage(filter))));
  });
}

interface FilterQuery {
  from?: number | undefined;
  to?: number | undefined;
  model?: string | undefined;
  key?: string | undefined;
  status?: UsageFilter['status'] | undefined;
}

function toFilter(accountId: string, query: FilterQuery): UsageFilter {
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
    throw new GatewayError('invalid_request', "Invalid 'to': must be later than 'from'.", { param: 'to' });
  }
  return {
    accountId,
    ...(query.from !== undefined ? { from: query.from } : {}),
    ...(query.to !== undefined ? { to: query.to } : {}),
    ...(query.model !== undefined ? { model: query.model } : {}),
    ...(query.key !== undefined ? { keyId: query.key } : {}),
    ...(query.status !== undefined ? { status: query.status } : {}),
  };
}

/** Opaque to clients: the last record's time and id, base64url-encoded. */
export function encodeCursor(cursor: UsageCursor): string {
  return Buffer.from(`${cursor.createdAt}.${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): UsageCursor {
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  const match = /^(\d{1,15})\.(.+)$/s.exec(decoded);
  if (!match) throw new GatewayError('invalid_request', "Invalid 'cursor': pass the next_cursor of a previous page.", { param: 'cursor' });
  return { createdAt: Number(match[1]), id: match[2]! };
}

import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerUsageRoutes } from '../../src/http/routes/usage-routes.js';
import { usdToUnits } from '../../src/metering/money.js';
import { csvField, USAGE_CSV_COLUMNS } from '../../src/reporting/usage-csv.js';
import { KyselyUsageReportStore } from '../../src/store/kysely-usage-report-store.js';
import type { GenerationRecord } from '../../src/store/store.js';
import { generation } from '../store/store-fixtures.js';
import { createCaller, principalsFor, routeApp, type ErrorBody, type TestCaller } from './credit-fixtures.js';
import { databaseEngines, type TestDatabase } from './credit-test-database.js';

const engines = await databaseEngines();

const at = (iso: string) => Date.parse(iso);
const WEIRD_MODEL = 'weird, "model"';

describe('CSV fields', () => {
  it('quotes fields with commas, quotes and line breaks, and doubles inner quotes (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
  });
});

describe.each(engines)('usage reports on $name', (engine) => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let caller: TestCaller;
  let stranger: TestCaller;
  let usage: KyselyUsageReportStore;
  let flushes: number;

  /** Five requests over two UTC days, with worked totals below. */
  function seedRecords(accountId: string): GenerationRecord[] {
    const base = { accountId, cacheWriteTokens: 0, usageEstimated: false };
    return [
      generation(accountId, { ...base, id: 'gen-1', createdAt: at('2025-01-15T10:00:00Z'), model: 'gpt-4o', keyId: 'key_a', status: 'success', promptTokens: 100, completionTokens: 50, cachedTokens: 20, reasoningTokens: 5, cost: usdToUnits('0.001') }),
      generation(accountId, { ...base, id: 'gen-2', createdAt: at('2025-01-15T11:00:00Z'), model: 'gpt-4o', keyId: 'key_b', status: 'success', promptTokens: 200, completionTokens: 100, cachedTokens: 0, reasoningTokens: 0, cost: usdToUnits('0.002') }),
      generation(accountId, { ...base, id: 'gen-3', createdAt: at('2025-01-15T23:59:59.999Z'), model: 'claude-sonnet-4-5', keyId: 'key_a', status: 'error', httpStatus: 502, errorCode: 'upstream_error', promptTokens: 10, completionTokens: 0, cachedTokens: 0, reasoningTokens: 0, cost: 0n }),
      generation(accountId, { ...base, id: 'gen-4', createdAt: at('2025-01-16T00:00:00Z'), model: 'gpt-4o', keyId: 'key_a', status: 'cancelled', promptTokens: 300, completionTokens: 30, cachedTokens: 100, reasoningTokens: 10, cost: usdToUnits('0.0035') }),
      generation(accountId, { ...base, id: 'gen-5', createdAt: at('2025-01-16T05:00:00Z'), model: WEIRD_MODEL, keyId: 'key_b', status: 'success', promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, cost: usdToUnits('0.000001') }),
    ];
  }

  beforeEach(async () => {
    database = await engine.open();
    caller = await createCaller(database.store);
    stranger = await createCaller(database.store);
    usage = new KyselyUsageReportStore(database.db);
    flushes = 0;
    await database.store.settle(seedRecords(caller.accountId).map((record) => ({ generation: record, charge: record.cost })));
    await database.store.settle([{ generation: generation(stranger.accountId, { id: 'gen-stranger', createdAt: at('2025-01-15T12:00:00Z'), cost: 1n }), charge: 1n }]);
    const { principals } = principalsFor(database.store);
    app = await routeApp((instance) =>
      registerUsageRoutes(instance, {
        principals,
        usage,
        flushSettlements: async () => {
          flushes += 1;
        },
      }),
    );
  });

  afterEach(async () => {
    await app.close();
    await database.dispose();
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: caller.headers });
  const ids = (body: { data: Array<{ id: string }> }) => body.data.map((record) => record.id);

  it('keeps the contract fields, newest first, own records only', async () => {
    const response = await get('/api/usage?limit=10');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(ids(body)).toEqual(['gen-5', 'gen-4', 'gen-3', 'gen-2', 'gen-1']);
    expect(body.data[1]).toMatchObject({
      id: 'gen-4',
      created_at: '2025-01-16T00:00:00.000Z',
      model: 'gpt-4o',
      status: 'cancelled',
      prompt_tokens: 300,
      completion_tokens: 30,
      cached_tokens: 100,
      reasoning_tokens: 10,
      cost: 0.0035,
      usage_estimated: false,
      key_id: 'key_a',
    });
    for (const field of ['provider', 'stream', 'latency_ms']) expect(body.data[1]).toHaveProperty(field);
    expect(body.has_more).toBe(false);
    expect(flushes).toBe(1);
  });

  it('filters by time range, model, key and status', async () => {
    expect(ids((await get('/api/usage?from=2025-01-16T00:00:00Z')).json())).toEqual(['gen-5', 'gen-4']);
    expect(ids((await get('/api/usage?to=2025-01-16T00:00:00Z')).json())).toEqual(['gen-3', 'gen-2', 'gen-1']);
    expect(ids((await get('/api/usage?model=gpt-4o')).json())).toEqual(['gen-4', 'gen-2', 'gen-1']);
    expect(ids((await get('/api/usage?key=key_a')).json())).toEqual(['gen-4', 'gen-3', 'gen-1']);
    expect(ids((await get('/api/usage?status=error')).json())).toEqual(['gen-3']);
    expect(ids((await get('/api/usage?model=gpt-4o&key=key_a&from=2025-01-15T10:30:00Z')).json())).toEqual(['gen-4']);
    expect(ids((await get(`/api/usage?model=${encodeURIComponent(WEIRD_MODEL)}`)).json())).toEqual(['gen-5']);

    const badStatus = await get('/api/usage?status=done');
    expect((badStatus.json() as ErrorBody).error.param).toBe('status');
    const badTime = await get('/api/usage?from=yesterday');
    expect((badTime.json() as ErrorBody).error.param).toBe('from');
    const backwards = await get('/api/usage?from=2025-01-16T00:00:00Z&to=2025-01-15T00:00:00Z');
    expect((backwards.json() as ErrorBody).error.param).toBe('to');
  });

  it('pages with a cursor and with an offset', async () => {
    const first = (await get('/api/usage?limit=2')).json();
    expect(ids(first)).toEqual(['gen-5', 'gen-4']);
    expect(first.has_more).toBe(true);
    const second = (await get(`/api/usage?limit=2&cursor=${first.next_cursor}`)).json();
    expect(ids(second)).toEqual(['gen-3', 'gen-2']);
    const third = (await get(`/api/usage?limit=2&cursor=${second.next_cursor}`)).json();
    expect(ids(third)).toEqual(['gen-1']);
    expect(third).toMatchObject({ has_more: false, next_cursor: null });

    expect(ids((await get('/api/usage?limit=2&offset=3')).json())).toEqual(['gen-2', 'gen-1']);
    expect(ids((await get('/api/usage?limit=2&model=gpt-4o&offset=1')).json())).toEqual(['gen-2', 'gen-1']);
    const badCursor = await get('/api/usage?cursor=not-a-cursor');
    expect((badCursor.json() as ErrorBody).error.param).toBe('cursor');
  });

  it('breaks ties of the same time by id when paging with a cursor', async () => {
    const tied = await createCaller(database.store);
    const time = at('2025-02-01T00:00:00Z');
    await database.store.settle(
      ['gen-t1', 'gen-t2', 'gen-t3'].map((id) => ({ generation: generation(tied.accountId, { id, createdAt: time, cost: 0n }), charge: 0n })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await app.inject({ method: 'GET', url: `/api/usage?limit=1${query}`, headers: tied.headers });
      const body = page.json() as { data: Array<{ id: string }>; next_cursor: string | null };
      seen.push(...ids(body));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['gen-t3', 'gen-t2', 'gen-t1']);
  });

  it('adds up each UTC day per model and per key', async () => {
    const byModel = (await get('/api/usage/daily?group_by=model')).json();
    expect(byModel.data).toEqual([
      { day: '2025-01-15', model: 'claude-sonnet-4-5', requests: 1, prompt_tokens: 10, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, cost: 0 },
      { day: '2025-01-15', model: 'gpt-4o', requests: 2, prompt_tokens: 300, completion_tokens: 150, cached_tokens: 20, reasoning_tokens: 5, cost: 0.003 },
      { day: '2025-01-16', model: 'gpt-4o', requests: 1, prompt_tokens: 300, completion_tokens: 30, cached_tokens: 100, reasoning_tokens: 10, cost: 0.0035 },
      { day: '2025-01-16', model: WEIRD_MODEL, requests: 1, prompt_tokens: 1, completion_tokens: 1, cached_tokens: 0, reasoning_tokens: 0, cost: 0.000001 },
    ]);

    const byKey = (await get('/api/usage/daily?group_by=key&from=2025-01-15T00:00:00Z&to=2025-01-16T00:00:00Z')).json();
    expect(byKey.data).toEqual([
      { day: '2025-01-15', key_id: 'key_a', requests: 2, prompt_tokens: 110, completion_tokens: 50, cached_tokens: 20, reasoning_tokens: 5, cost: 0.001 },
      { day: '2025-01-15', key_id: 'key_b', requests: 1, prompt_tokens: 200, completion_tokens: 100, cached_tokens: 0, reasoning_tokens: 0, cost: 0.002 },
    ]);

    const exact = await usage.dailyUsage({ accountId: caller.accountId, status: 'success' }, 'key');
    expect(exact.map((row) => [row.day, row.group, row.cost])).toEqual([
      ['2025-01-15', 'key_a', 1_000_000_000n],
      ['2025-01-15', 'key_b', 2_000_000_000n],
      ['2025-01-16', 'key_b', 1_000_000n],
    ]);
  });

  it('exports the same filters as CSV with a header row and RFC 4180 quoting', async () => {
    const response = await get('/api/usage.csv?from=2025-01-15T11:00:00Z');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = response.body.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe(USAGE_CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(1 + 4 + 1);
    expect(lines[1]).toBe(
      `gen-5,2025-01-16T05:00:00.000Z,"weird, ""model""",openai,openai-main,/v1/chat/completions,key_b,success,200,,true,1,1,0,0,0,0.000001,850,210,1,false`,
    );
    expect(lines[3]).toContain(',error,502,upstream_error,');
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['gen-5', 'gen-4', 'gen-3', 'gen-2']);
  });

  it('reads large exports in batches rather than all at once', async () => {
    const bulk = await createCaller(database.store);
    const start = at('2025-03-01T00:00:00Z');
    const records = Array.from({ length: 1200 }, (_, index) =>
      generation(bulk.accountId, { id: `gen-bulk-${String(index).padStart(4, '0')}`, createdAt: start + index * 1000, cost: 0n }),
    );
    await database.store.settle(records.map((record) => ({ generation: record, charge: 0n })));

    const pages = vi.spyOn(usage, 'listUsage');
    const streamed: string[] = [];
    for await (const record of usage.streamUsage({ accountId: bulk.accountId }, 500)) streamed.push(record.id);
    expect(streamed).toHaveLength(1200);
    expect(streamed[0]).toBe('gen-bulk-1199');
    expect(streamed.at(-1)).toBe('gen-bulk-0000');
    expect(pages.mock.calls.map(([, page]) => page.limit)).toEqual([500, 500, 500]);

    const csv = await app.inject({ method: 'GET', url: '/api/usage.csv', headers: bulk.headers });
    expect(csv.body.split('\r\n')).toHaveLength(1 + 1200 + 1);
  });
});

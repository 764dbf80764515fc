/**
 * Usage records as CSV (RFC 4180: comma separated, CRLF line ends, a field quoted when it holds a
 * comma, quote or line break, quotes inside doubled), produced as the records are read.
 */
import { unitsToUsdString } from '../metering/money.js';
import type { GenerationRecord } from '../store/store.js';

export const USAGE_CSV_COLUMNS = [
  'id',
  'created_at',
  'model',
  'provider',
  'channel',
  'endpoint',
  'key_id',
  'status',
  'http_status',
  'error_code',
  'stream',
  'prompt_tokens',
  'completion_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost',
  'latency_ms',
  'ttft_ms',
  'attempts',
  'usage_estimated',
] as const;

/** Bytes gathered before a chunk is handed on: one write per many rows, never the whole file. */
const CHUNK_CHARACTERS = 64 * 1024;

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** One row; the cost is the exact decimal USD amount, not a rounded float. */
export function usageCsvRow(record: GenerationRecord): string {
  return csvLine([
    record.id,
    new Date(record.createdAt).toISOString(),
    record.model,
    record.provider,
    record.channel,
    record.endpoint,
    record.keyId,
    record.status,
    record.httpStatus,
    record.errorCode,
    record.stream,
    record.promptTokens,
    record.completionTokens,
    record.cachedTokens,
    record.cacheWriteTokens,
    record.reasoningTokens,
    unitsToUsdString(record.cost),
    record.latencyMs,
    record.ttftMs,
    record.attempts,
    record.usageEstimated,
  ]);
}

/** The header, then every record, in chunks of about 64 KiB. */
export async function* usageCsvChunks(records: AsyncIterable<GenerationRecord>): AsyncGenerator<string> {
  let chunk = csvLine(USAGE_CSV_COLUMNS);
  for await (const record of records) {
    chunk += usageCsvRow(record);
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

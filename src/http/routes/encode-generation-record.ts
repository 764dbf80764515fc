import { unitsToUsdNumber } from '../../metering/money.js';
import type { GenerationRecord } from '../../store/store.js';

/** A generation on the wire (`/api/usage`, `/api/generations/{id}`): contract §5 fields and more. */
export function encodeGeneration(record: GenerationRecord) {
  return {
    id: record.id,
    created_at: new Date(record.createdAt).toISOString(),
    model: record.model,
    provider: record.provider,
    channel: record.channel,
    endpoint: record.endpoint,
    key_id: record.keyId,
    status: record.status,
    http_status: record.httpStatus,
    error_code: record.errorCode,
    stream: record.stream,
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    cached_tokens: record.cachedTokens,
    cache_write_tokens: record.cacheWriteTokens,
    reasoning_tokens: record.reasoningTokens,
    cost: unitsToUsdNumber(record.cost),
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs,
    attempts: record.attempts,
    usage_estimated: record.usageEstimated,
  };
}

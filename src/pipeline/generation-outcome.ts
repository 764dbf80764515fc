import { isGatewayError } from '../core/index.js';
import type { RouteAttempt } from '../routing/route-planner.js';
import type { CancelSignal, Usage } from '../core/index.js';
import type { GenerationRecord, GenerationStatus } from '../store/store.js';
import type { AttemptRecord, LedgerSettlement } from '../store/ledger-store.js';
import type { Caller } from '../accounts/api-key-authenticator.js';

export interface RequestContext {
  generationId: string;
  /** Which inbound endpoint, e.g. `/v1/chat/completions`. */
  endpoint: string;
  startedAt: number;
  signal: CancelSignal;
  /**
   * The client's address (after trusted proxies), for IP allowlists: read only for a key that has
   * one, since the first read of a connection's peer address is a system call.
   */
  clientAddress?: () => string | null;
}

/** For a request that came from no connection (a test, an internal call): no address is known. */
export const unknownClientAddress = (): null => null;

export interface OutcomeFacts {
  model: string;
  provider: string | null;
  channel: string | null;
  status: GenerationStatus;
  httpStatus: number;
  errorCode: string | null;
  stream: boolean;
  usage: Usage | null;
  cost: bigint;
  ttftMs: number | null;
  attempts: number;
}

/** The settlement of one finished request: the record to log, the amount to charge, the attempts made. */
export function buildSettlement(
  caller: Caller,
  context: RequestContext,
  facts: OutcomeFacts,
  now: number,
  attemptLog: AttemptRecord[] = [],
): LedgerSettlement {
  const usage = facts.usage;
  const generation: GenerationRecord = {
    id: context.generationId,
    accountId: caller.account.id,
    keyId: caller.key.id,
    model: facts.model,
    provider: facts.provider,
    channel: facts.channel,
    endpoint: context.endpoint,
    status: facts.status,
    httpStatus: facts.httpStatus,
    errorCode: facts.errorCode,
    stream: facts.stream,
    promptTokens: usage?.inputTokens ?? 0,
    completionTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    usageEstimated: usage?.source === 'estimated',
    cost: facts.cost,
    latencyMs: now - context.startedAt,
    ttftMs: facts.ttftMs,
    attempts: facts.attempts,
    createdAt: context.startedAt,
  };
  return { generation, charge: facts.cost, attemptLog };
}

/** The facts of a request that failed before any output: nothing is charged. */
export function failureFacts(model: string, error: unknown, stream: boolean, cancelled: boolean): OutcomeFacts {
  const gatewayError = isGatewayError(error) ? error : null;
  return {
    model,
    provider: null,
    channel: null,
    status: cancelled ? 'cancelled' : 'error',
    httpStatus: gatewayError?.status ?? 500,
    errorCode: gatewayError?.code ?? 'internal_error',
    stream,
    usage: null,
    cost: 0n,
    ttftMs: null,
    attempts: gatewayError?.details.attempts ?? 0,
  };
}

/** The facts of a request a channel answered; `overrides` for streams that ended otherwise. */
export function answeredFacts(
  answered: { attempt: RouteAttempt; attempts: number },
  usage: Usage | null,
  cost: bigint,
  overrides: Partial<Pick<OutcomeFacts, 'status' | 'httpStatus' | 'errorCode' | 'stream' | 'ttftMs'>> = {},
): OutcomeFacts {
  return {
    model: answered.attempt.modelId,
    provider: answered.attempt.channel.provider,
    channel: answered.attempt.channel.name,
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    stream: false,
    ttftMs: null,
    ...overrides,
    usage,
    cost,
    attempts: answered.attempts,
  };
}

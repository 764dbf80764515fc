import { GatewayError, isGatewayError, type CancelSignal } from '../core/index.js';
import type { RouteAttempt } from '../routing/route-planner.js';
import type { AttemptHealth } from '../routing/channel-health.js';
import { classifyFailure, type FailureOutcome } from '../routing/classify-failure.js';

export type AttemptFailureListener = (attempt: RouteAttempt, error: GatewayError, outcome?: FailureOutcome) => void;

export interface FailoverResult<T> {
  value: T;
  attempt: RouteAttempt;
  /** Upstream attempts made, including the one that succeeded. */
  attempts: number;
}

export interface FailoverOptions {
  /** Upstream attempts at most (routes beyond are not tried); unlimited when absent. */
  maxAttempts?: number;
  /** Asked before each attempt (a half-open breaker lets one probe through) and told how it ended. */
  health?: AttemptHealth;
  /** Clock for attempt latencies. */
  now?: () => number;
}

/**
 * Tries each route in order until one succeeds. A failure moves on only when another channel can
 * help (`classifyFailure`); a channel found down (unreachable, credential refused) is not tried
 * again for the fallback models of the same request. When every route failed, the answer names
 * the last upstream status. `run` is given the number of attempts made so far, its own included.
 */
export async function attemptWithFailover<T>(
  routes: RouteAttempt[],
  signal: CancelSignal,
  run: (attempt: RouteAttempt, attempts: number) => Promise<T>,
  onFailure?: AttemptFailureListener,
  options: FailoverOptions = {},
): Promise<FailoverResult<T>> {
  const { health, maxAttempts = Number.POSITIVE_INFINITY } = options;
  const now = options.now ?? Date.now;
  let attempts = 0;
  let refused = 0;
  let lastError: GatewayError | undefined;
  let downChannels: Set<string> | null = null;
  for (const attempt of routes) {
    if (signal.aborted || attempts >= maxAttempts) break;
    const channelId = attempt.channel.id;
    if (downChannels?.has(channelId)) continue;
    const permit = health ? health.beginAttempt(channelId) : 'normal';
    if (permit === null) {
      refused++;
      continue;
    }
    attempts++;
    const startedAt = now();
    try {
      const value = await run(attempt, attempts);
      health?.recordSuccess(channelId, now() - startedAt, permit);
      return { value, attempt, attempts };
    } catch (error) {
      const failure = isGatewayError(error)
        ? error
        : new GatewayError('upstream_error', 'The upstream request failed unexpectedly.');
      const outcome = classifyFailure(failure, signal.aborted);
      health?.recordFailure(channelId, outcome, now() - startedAt, permit);
      onFailure?.(attempt, failure, outcome);
      if (!outcome.retryElsewhere) throw withAttempts(failure, attempts);
      if (outcome.channelDown) (downChannels ??= new Set()).add(channelId);
      lastError = failure;
    }
  }
  throw withAttempts(finalError(lastError, attempts, signal.aborted, refused), attempts);
}

/** The error a client sees once no route is left. */
function finalError(lastError: GatewayError | undefined, attempts: number, aborted: boolean, refused: number): GatewayError {
  if (!lastError) {
    if (!aborted && refused > 0) {
      return new GatewayError('no_available_channel', 'Every channel for this request is recovering from failures right now.', {
        retryAfterSeconds: 1,
      });
    }
    return new GatewayError('upstream_error', 'The request was cancelled before any upstream answered.');
  }
  if (lastError.code === 'upstream_timeout') return lastError;
  const status = lastError.details.upstreamStatus;
  const plural = attempts === 1 ? '' : 's';
  return new GatewayError(
    'upstream_error',
    `All ${attempts} upstream attempt${plural} failed; the last one${status ? ` answered HTTP ${status}` : ''}: ${lastError.message}`,
    { upstreamStatus: status, retryElsewhere: false },
  );
}

function withAttempts(error: GatewayError, attempts: number): GatewayError {
  error.details.attempts = attempts;
  return error;
}

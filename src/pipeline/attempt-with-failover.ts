import { GatewayError, isGatewayError } from '../core/index.js';
import type { RouteAttempt } from '../routing/route-planner.js';

export type AttemptFailureListener = (attempt: RouteAttempt, error: GatewayError) => void;

export interface FailoverResult<T> {
  value: T;
  attempt: RouteAttempt;
  /** Upstream attempts made, including the one that succeeded. */
  attempts: number;
}

/**
 * Tries each route in order until one succeeds. A failure moves on only when another channel can
 * help (`retryElsewhere`); when every route failed, the answer names the last upstream status.
 */
export async function attemptWithFailover<T>(
  routes: RouteAttempt[],
  signal: AbortSignal,
  run: (attempt: RouteAttempt) => Promise<T>,
  onFailure?: AttemptFailureListener,
): Promise<FailoverResult<T>> {
  let attempts = 0;
  let lastError: GatewayError | undefined;
  for (const attempt of routes) {
    if (signal.aborted) break;
    attempts++;
    try {
      return { value: await run(attempt), attempt, attempts };
    } catch (error) {
      const failure = isGatewayError(error)
        ? error
        : new GatewayError('upstream_error', 'The upstream request failed unexpectedly.');
      onFailure?.(attempt, failure);
      if (!failure.retryElsewhere) throw withAttempts(failure, attempts);
      lastError = failure;
    }
  }
  throw withAttempts(finalError(lastError, attempts), attempts);
}

/** The error a client sees once no route is left. */
function finalError(lastError: GatewayError | undefined, attempts: number): GatewayError {
  if (!lastError) return new GatewayError('upstream_error', 'The request was cancelled before any upstream answered.');
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

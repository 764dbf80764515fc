import { GatewayError, type UpstreamTimeouts } from '../../core/index.js';
import { scrubSecrets } from './scrub-secrets.js';

export interface TransportFailureContext {
  /** Our own deadline fired. */
  timedOut: boolean;
  /** Which of our deadlines fired, in words (e.g. "no first byte within 2000 ms"). */
  expiredDeadline?: string | null;
  /** The deadlines in force, to name the one the HTTP client enforced itself. */
  timeouts?: UpstreamTimeouts;
  /** The caller's signal aborted (the client went away or the gateway gave up). */
  callerAborted: boolean;
  secrets: readonly string[];
}

const timeoutCodes = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Maps a failure to talk to the upstream at all (no HTTP answer, or a broken body) to a gateway error. */
export function mapUpstreamTransportError(error: unknown, context: TransportFailureContext): GatewayError {
  if (error instanceof GatewayError) return error;
  if (context.callerAborted) return cancelledError();
  const code = errorCode(error);
  if (context.timedOut || (code !== null && timeoutCodes.has(code))) {
    const which = context.expiredDeadline ?? clientDeadline(code, context.timeouts);
    return new GatewayError('upstream_timeout', `Upstream did not answer in time${which ? ` (${which})` : ''}`, { retryElsewhere: true });
  }
  const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
  return new GatewayError('upstream_error', `Could not reach the upstream (${scrubSecrets(reason, context.secrets)})`, {
    retryElsewhere: true,
  });
}

/** The caller gave up; nothing is to be retried. */
export function cancelledError(): GatewayError {
  return new GatewayError('upstream_error', 'The upstream request was cancelled', { retryElsewhere: false });
}

function clientDeadline(code: string | null, timeouts: UpstreamTimeouts | undefined): string | null {
  if (timeouts === undefined) return null;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `no connection within ${timeouts.connectMs} ms`;
  if (code === 'UND_ERR_BODY_TIMEOUT') return `silent for more than ${timeouts.idleMs} ms`;
  return null;
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined || cause === error ? null : errorCode(cause);
}

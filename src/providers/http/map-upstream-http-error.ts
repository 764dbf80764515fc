import { GatewayError } from '../../core/index.js';
import { extractUpstreamError } from './extract-upstream-error.js';
import { scrubSecrets } from './scrub-secrets.js';

export interface UpstreamHttpFailure {
  status: number;
  /** Response headers as undici gives them (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
  /** Values that must never appear in the resulting message. */
  secrets: readonly string[];
}

/**
 * Turns a non-success upstream answer into the error the gateway reports.
 *
 * - 400/413/422: the client's request is at fault; the upstream's message is passed on and no
 *   other channel is tried.
 * - 404 naming a missing model, or a 404 that is not a JSON error (wrong base URL): the channel
 *   is misconfigured, another channel may serve the model.
 * - 401/403/402: our channel's credential or account is at fault; another channel may work. The
 *   upstream's text is not passed on, since such texts often echo part of the credential.
 * - 429, 5xx and anything else: the upstream is unavailable now; another channel may work.
 */
export function mapUpstreamHttpError(failure: UpstreamHttpFailure): GatewayError {
  const { status } = failure;
  const info = extractUpstreamError(failure.bodyText);
  const upstreamMessage = info.message === null ? null : scrubSecrets(info.message, failure.secrets);
  const suffix = upstreamMessage ? `: ${upstreamMessage}` : '';
  const upstreamStatus = status;

  if (status === 401 || status === 403 || status === 402) {
    return new GatewayError('upstream_error', `Upstream rejected the channel's credential or account (HTTP ${status})`, {
      upstreamStatus,
      retryElsewhere: true,
    });
  }
  if (status === 404 && (isModelNotFound(info.code, upstreamMessage) || !info.isJson)) {
    return new GatewayError('upstream_error', `Upstream does not serve this model (HTTP 404)${suffix}`, {
      upstreamStatus,
      retryElsewhere: true,
    });
  }
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return new GatewayError('invalid_request', upstreamMessage ?? `Upstream refused the request (HTTP ${status})`, {
      upstreamStatus,
      param: info.param,
      retryElsewhere: false,
    });
  }
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(headerValue(failure.headers['retry-after']));
    return new GatewayError('upstream_error', `Upstream rate limit reached (HTTP 429)${suffix}`, {
      upstreamStatus,
      retryElsewhere: true,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }
  return new GatewayError('upstream_error', `Upstream failed (HTTP ${status})${suffix}`, {
    upstreamStatus,
    retryElsewhere: true,
  });
}

function isModelNotFound(code: string | null, message: string | null): boolean {
  if (code === 'model_not_found') return true;
  if (message === null) return false;
  return /model/i.test(message) && /(not (be )?found|does not exist|not exist|unknown|no such|not available)/i.test(message);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after` is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

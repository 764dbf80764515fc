import { GatewayError } from '../../core/index.js';
import { scrubSecrets } from '../http/index.js';
import type { ResponsesErrorWire } from './openai-responses-wire-types.js';

/** Codes of a failed response that are the request's fault: no other channel would do better. */
const clientFaultCode = /^(invalid_|image_|unsupported_|empty_image|failed_to_download_image|context_length_exceeded|bio_policy)/;

/**
 * The error of a `response.failed` event, of an `error` stream event, or of a non-streamed answer
 * whose status is `failed`. Rate limits and server errors may succeed elsewhere; a request the
 * upstream found invalid would fail everywhere.
 */
export function mapResponsesError(error: ResponsesErrorWire | null | undefined, secrets: readonly string[]): GatewayError {
  const code = typeof error?.code === 'string' ? error.code : null;
  const rawMessage = typeof error?.message === 'string' && error.message !== '' ? scrubSecrets(error.message, secrets) : null;
  const described = rawMessage ?? code ?? 'no details given';
  if (code !== null && clientFaultCode.test(code)) {
    return new GatewayError('invalid_request', `Upstream refused the request (${code}): ${described}`, {
      param: typeof error?.param === 'string' ? error.param : null,
      retryElsewhere: false,
    });
  }
  const upstreamStatus = code === 'rate_limit_exceeded' ? 429 : code === 'server_error' ? 500 : undefined;
  return new GatewayError('upstream_error', `Upstream failed${code === null ? '' : ` (${code})`}: ${described}`, {
    retryElsewhere: true,
    ...(upstreamStatus === undefined ? {} : { upstreamStatus }),
  });
}

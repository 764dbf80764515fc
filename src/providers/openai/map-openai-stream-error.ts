import { GatewayError } from '../../core/index.js';
import { scrubSecrets } from '../http/index.js';
import type { OpenAIErrorWire } from './openai-wire-types.js';

/** The error object an upstream sends inside a stream, as the final `error` event's payload. */
export function mapOpenAIStreamError(error: OpenAIErrorWire | string, secrets: readonly string[]): GatewayError {
  const raw = typeof error === 'string' ? error : typeof error.message === 'string' ? error.message : null;
  const message = raw === null ? 'Upstream reported an error during the stream' : `Upstream error during the stream: ${scrubSecrets(raw, secrets)}`;
  const code = typeof error === 'object' && typeof error.code === 'number' ? error.code : undefined;
  return new GatewayError('upstream_error', message, {
    retryElsewhere: true,
    ...(code !== undefined && code >= 400 && code < 600 ? { upstreamStatus: code } : {}),
  });
}

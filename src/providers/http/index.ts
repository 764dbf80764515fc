export { getUpstreamPool, closeUpstreamPools, destroyUpstreamPools } from './upstream-pools.js';
export {
  openUpstreamResponse,
  requestUpstreamJson,
  type UpstreamRequest,
  type OpenedUpstreamResponse,
  type UpstreamBody,
} from './send-upstream-request.js';
export { mapUpstreamHttpError, parseRetryAfter, type UpstreamHttpFailure } from './map-upstream-http-error.js';
export { mapUpstreamTransportError, cancelledError } from './map-upstream-transport-error.js';
export { extractUpstreamError, type UpstreamErrorInfo } from './extract-upstream-error.js';
export { ServerSentEventDecoder, type ServerSentEvent } from './server-sent-event-decoder.js';
export { scrubSecrets, secretsOfTarget } from './scrub-secrets.js';
export { defaultUpstreamTimeouts, resolveUpstreamTimeouts } from './upstream-timeouts.js';
export { watchStreamBody, type StreamBodyWatch } from './watch-stream-body.js';
export { readJsonEventStream, streamCutError, type JsonStreamEventParser } from './read-json-event-stream.js';
export { RepeatedTextChunks, RepeatedTextFrame } from './repeated-text-frame.js';

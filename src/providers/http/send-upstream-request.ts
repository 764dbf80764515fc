import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { getUpstreamPool } from './upstream-pools.js';
import { mapUpstreamHttpError } from './map-upstream-http-error.js';
import { cancelledError, mapUpstreamTransportError } from './map-upstream-transport-error.js';
import { GatewayError } from '../../core/index.js';

export interface UpstreamRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** JSON text of the body. */
  body?: string;
  signal: AbortSignal;
  /** For a JSON answer: the whole exchange. For a stream: until headers, then the longest silence. */
  timeoutMs: number;
  /** Values that must never appear in an error message (the channel's credential). */
  secrets: readonly string[];
}

export type UpstreamBody = Dispatcher.ResponseData['body'];

/** A successful upstream answer whose body is still to be read. */
export interface OpenedUpstreamResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
  /** True once the caller's signal aborted (the body is then destroyed). */
  isCallerAborted(): boolean;
  /** Maps an error met while reading the body, knowing whether our deadline or the caller caused it. */
  mapFailure(error: unknown): GatewayError;
  /** Stops listening to the caller's signal; call when the body has been fully handled. */
  dispose(): void;
}

const maxErrorBodyBytes = 64 * 1024;

/**
 * Sends one request through the origin's keep-alive pool. Resolves once the upstream answered
 * with a 2xx status; any other outcome rejects with a `GatewayError`.
 */
export async function openUpstreamResponse(
  request: UpstreamRequest,
  options: { streaming: boolean },
): Promise<OpenedUpstreamResponse> {
  if (request.signal.aborted) throw cancelledError();
  const url = URL.canParse(request.url) ? new URL(request.url) : null;
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new GatewayError('internal_error', 'The channel base URL is not a valid http(s) URL', { retryElsewhere: true });
  }
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = (): void => controller.abort(request.signal.reason);
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  // A channel without a positive timeout waits as long as the upstream takes.
  const timer =
    request.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('upstream deadline reached'));
        }, request.timeoutMs)
      : undefined;
  const dispose = (): void => {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onCallerAbort);
  };
  const failure = (error: unknown) =>
    mapUpstreamTransportError(error, { timedOut, callerAborted: request.signal.aborted, secrets: request.secrets });

  let response: Dispatcher.ResponseData;
  try {
    response = await getUpstreamPool(url.origin).request({
      path: url.pathname + url.search,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body ?? null,
      signal: controller.signal,
      headersTimeout: 0,
      // For streams, a silence as long as the whole budget means the upstream is stuck.
      bodyTimeout: options.streaming ? Math.max(0, request.timeoutMs) : 0,
    });
  } catch (error) {
    dispose();
    throw failure(error);
  }

  if (response.statusCode < 200 || response.statusCode >= 300) {
    let bodyText = '';
    try {
      bodyText = await readLimitedText(response.body, maxErrorBodyBytes);
    } catch (error) {
      dispose();
      throw failure(error);
    }
    dispose();
    throw mapUpstreamHttpError({
      status: response.statusCode,
      headers: response.headers,
      bodyText,
      secrets: request.secrets,
    });
  }

  // A stream's total length is unbounded: only the time to the first byte counts against it.
  if (options.streaming) clearTimeout(timer);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body,
    isCallerAborted: () => request.signal.aborted,
    mapFailure: failure,
    dispose,
  };
}

/** Sends a request and reads its whole JSON answer within the deadline. */
export async function requestUpstreamJson(request: UpstreamRequest): Promise<unknown> {
  const opened = await openUpstreamResponse(request, { streaming: false });
  let text: string;
  try {
    text = await opened.body.text();
  } catch (error) {
    throw opened.mapFailure(error);
  } finally {
    opened.dispose();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw mapUpstreamTransportError(new Error('the upstream answered with a body that is not JSON'), {
      timedOut: false,
      callerAborted: false,
      secrets: request.secrets,
    });
  }
}

async function readLimitedText(body: UpstreamBody, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { getUpstreamPool } from './upstream-pools.js';
import { mapUpstreamHttpError } from './map-upstream-http-error.js';
import { cancelledError, mapUpstreamTransportError } from './map-upstream-transport-error.js';
import { GatewayError, type CancelSignal, type UpstreamTimeouts } from '../../core/index.js';
import { WholeAnswerHandler } from './whole-answer-handler.js';
import { startDeadline } from './coarse-deadlines.js';
import { resolveUpstreamTimeouts } from './upstream-timeouts.js';
import { watchStreamBody } from './watch-stream-body.js';

export interface UpstreamRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
  /** JSON text of the body. */
  body?: string;
  signal: CancelSignal;
  /** The channel's single older deadline; see `resolveUpstreamTimeouts` for how it applies. */
  timeoutMs: number;
  /** Deadlines of each phase (connect, first byte, idle, total); phases not given derive from `timeoutMs`. */
  timeouts?: Partial<UpstreamTimeouts>;
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

/** What cuts an exchange short: our deadlines and the caller's signal call it. */
interface ExchangeCancel {
  abort(reason: Error): void;
}

/** One exchange's target, deadlines and cancellation, and how its failures map to `GatewayError`s. */
interface UpstreamExchange {
  origin: string;
  path: string;
  timeouts: UpstreamTimeouts;
  /** Ends the first-byte deadline (the answer's status line arrived). */
  firstByteArrived(): void;
  /** Our deadline that expired, when one did. */
  expire(deadline: string): void;
  /** Stops the deadlines and the caller's signal; idempotent. */
  dispose(): void;
  failure(error: unknown): GatewayError;
}

/**
 * Validates the target and starts the exchange's deadlines and its watch on the caller's signal,
 * each of which calls `cancel`. Throws a `GatewayError` when the exchange cannot start.
 */
function startExchange(request: UpstreamRequest, cancel: ExchangeCancel): UpstreamExchange {
  if (request.signal.aborted) throw cancelledError();
  const url = parsedUpstreamUrl(request.url);
  if (url === null) {
    throw new GatewayError('internal_error', 'The channel base URL is not a valid http(s) URL', { retryElsewhere: true });
  }
  const timeouts = resolveUpstreamTimeouts(request.timeouts, request.timeoutMs);
  let expiredDeadline: string | null = null;
  const expire = (deadline: string): void => {
    expiredDeadline ??= deadline;
    cancel.abort(new Error(`upstream deadline reached: ${deadline}`));
  };
  const onCallerAbort = (): void => cancel.abort(callerReason(request.signal.reason));
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  const firstByteDeadline = startDeadline(timeouts.firstByteMs, () => expire(`no first byte within ${timeouts.firstByteMs} ms`));
  const totalDeadline = startDeadline(timeouts.totalMs, () => expire(`not complete within ${timeouts.totalMs} ms`));
  return {
    origin: url.origin,
    path: url.path,
    timeouts,
    firstByteArrived: () => firstByteDeadline.cancel(),
    expire,
    dispose: () => {
      firstByteDeadline.cancel();
      totalDeadline.cancel();
      request.signal.removeEventListener('abort', onCallerAbort);
    },
    failure: (error: unknown) =>
      mapUpstreamTransportError(error, {
        timedOut: expiredDeadline !== null,
        expiredDeadline,
        timeouts,
        callerAborted: request.signal.aborted,
        secrets: request.secrets,
      }),
  };
}

function callerReason(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error('the caller cancelled the request');
}

/**
 * Sends one request through the origin's keep-alive pool. Resolves once the upstream answered
 * with a 2xx status; any other outcome rejects with a `GatewayError`.
 */
export async function openUpstreamResponse(
  request: UpstreamRequest,
  options: { streaming: boolean },
): Promise<OpenedUpstreamResponse> {
  const cancel = new UpstreamCancel();
  const exchange = startExchange(request, cancel);
  const { timeouts, failure } = exchange;
  let stopWatching = (): void => {};
  const dispose = (): void => {
    exchange.dispose();
    stopWatching();
  };

  let response: Dispatcher.ResponseData;
  try {
    response = await getUpstreamPool(exchange.origin, timeouts.connectMs).request({
      path: exchange.path,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body ?? null,
      signal: cancel,
      headersTimeout: 0,
      // A stream's silences are watched below, where they can start after its first byte.
      bodyTimeout: options.streaming ? 0 : timeouts.idleMs,
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

  if (options.streaming) {
    // Failover is still possible until the first byte: a stream that fails before it, or sends
    // nothing within the deadline, rejects here like an upstream that never answered.
    const watch = watchStreamBody(response.body, timeouts.idleMs, () => exchange.expire(`silent for more than ${timeouts.idleMs} ms`));
    stopWatching = watch.stop;
    try {
      await watch.firstByte;
    } catch (error) {
      dispose();
      if (!response.body.destroyed) response.body.destroy();
      throw failure(error);
    }
  }
  exchange.firstByteArrived();
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
export function requestUpstreamJson(request: UpstreamRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let exchange: UpstreamExchange;
    const handler = new WholeAnswerHandler(
      maxErrorBodyBytes,
      (answer) => {
        exchange.dispose();
        if (answer.failed) reject(exchange.failure(answer.error));
        else if (answer.status < 200 || answer.status >= 300) {
          reject(mapUpstreamHttpError({ status: answer.status, headers: answer.headers, bodyText: answer.text, secrets: request.secrets }));
        } else {
          try {
            resolve(JSON.parse(answer.text) as unknown);
          } catch {
            reject(notJsonError(request.secrets));
          }
        }
      },
      () => exchange.firstByteArrived(),
    );
    try {
      exchange = startExchange(request, handler);
    } catch (error) {
      reject(error);
      return;
    }
    getUpstreamPool(exchange.origin, exchange.timeouts.connectMs).dispatch(
      {
        path: exchange.path,
        method: request.method ?? 'POST',
        headers: request.headers,
        body: request.body ?? null,
        headersTimeout: 0,
        bodyTimeout: exchange.timeouts.idleMs,
      },
      handler,
    );
  });
}

function notJsonError(secrets: readonly string[]): GatewayError {
  return mapUpstreamTransportError(new Error('the upstream answered with a body that is not JSON'), {
    timedOut: false,
    callerAborted: false,
    secrets,
  });
}

/**
 * What undici listens to for cancelling a request: an emitter it accepts in place of an
 * `AbortSignal`, which costs a fraction of an `AbortController` on every upstream request.
 */
class UpstreamCancel extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/** Channel URLs are few and fixed: each is parsed once. */
const parsedUrls = new Map<string, { origin: string; path: string } | null>();

function parsedUpstreamUrl(text: string): { origin: string; path: string } | null {
  let parsed = parsedUrls.get(text);
  if (parsed === undefined) {
    const url = URL.canParse(text) ? new URL(text) : null;
    parsed = url && (url.protocol === 'http:' || url.protocol === 'https:') ? { origin: url.origin, path: url.pathname + url.search } : null;
    // Bounded, in case URLs are ever built per request.
    if (parsedUrls.size >= 1024) parsedUrls.clear();
    parsedUrls.set(text, parsed);
  }
  return parsed;
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

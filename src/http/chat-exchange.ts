import { GatewayError, isGatewayError, type ChatRequest, type StreamEvent, type Usage } from '../core/index.js';
import type { Caller } from '../accounts/api-key-authenticator.js';
import { unitsToUsdNumber, unitsToUsdString } from '../metering/money.js';
import type { ChatStreamSession } from '../pipeline/chat-pipeline.js';
import type { RequestContext } from '../pipeline/generation-outcome.js';
import type { GatewayServices } from './gateway-services.js';
import { cancelWhenResponseCloses } from './client-cancel.js';
import type { InferenceExchange } from './inference-exchange.js';
import { SseWriter } from './sse-writer.js';
import { writeStreamEvents } from './write-stream-events.js';

/** What every chat dialect's stream encoder offers: frames for events, then the closing frames. */
export interface DialectStreamEncoder {
  /** Frames that open the stream before any event (the Responses API's `response.created`). */
  begin?(): string;
  encode(event: StreamEvent): string;
  finish(usage: Usage | undefined, costUsd: number | null): string;
}

/** The request's context for the pipeline; the client's disconnect aborts the upstream. */
export function chatContext(exchange: InferenceExchange, services: GatewayServices, endpoint: string): RequestContext {
  return {
    generationId: exchange.generationId,
    endpoint,
    startedAt: exchange.startedAt,
    signal: cancelWhenResponseCloses(exchange.response),
    clientAddress: () => services.clientAddress(exchange.request.socket.remoteAddress, exchange.headers),
  };
}

/** The headers of a non-streamed answer: what it cost, how many attempts, which model answered. */
export function setAnswerHeaders(exchange: InferenceExchange, answered: { cost: bigint; attempts: number; model: string }): void {
  exchange.header('x-switchyard-cost', unitsToUsdString(answered.cost));
  exchange.header('x-switchyard-attempts', String(answered.attempts));
  exchange.header('x-switchyard-model', answered.model);
}

export type StreamEnding = 'completed' | 'failed' | 'client_left';

/**
 * Streams a chat answer in any dialect: opens the upstream stream (with failover), writes the
 * encoder's frames with back-pressure and keep-alive comments, ends with one error event on a
 * late failure, and settles the request exactly once however it ends.
 */
export async function streamChat(options: {
  exchange: InferenceExchange;
  services: GatewayServices;
  caller: Caller;
  chatRequest: ChatRequest;
  context: RequestContext;
  encoder: DialectStreamEncoder;
  headers?: Record<string, string>;
  /** Runs once the stream completed, before its final frames leave: a client reading the end may act on it at once. */
  beforeCompletedEnd?: () => void;
}): Promise<StreamEnding> {
  const { exchange, services, encoder, context } = options;
  const keepAliveMs = services.streamKeepaliveMs();
  const writer = new SseWriter(exchange.response);
  let writerOpen = false;
  // Set from within the upstream reader's callback (TypeScript does not see such assignments).
  let writing = null as Promise<boolean> | null;
  const openWriter = (answered: ChatStreamSession | null) => {
    writerOpen = true;
    exchange.hijack();
    const headers: Record<string, string> = { 'x-request-id': exchange.generationId };
    if (answered !== null) {
      headers['x-switchyard-attempts'] = String(answered.attempts);
      headers['x-switchyard-model'] = answered.model;
    }
    if (options.headers) Object.assign(headers, options.headers);
    // With the stream's first events in hand, the headers leave with them: one packet, and one
    // wake-up of the client, fewer.
    writer.open(headers, { flush: answered === null });
    writer.keepAlive(keepAliveMs);
    const begin = encoder.begin?.();
    if (begin) writer.writeNow(begin);
  };
  // Called when the stream commits, from within the reader's callback: the head and the first
  // events leave in that same turn, not after the opening's promises have settled.
  const startWriting = (answered: ChatStreamSession) => {
    try {
      if (!writerOpen) openWriter(answered);
      writing = writeStreamEvents(answered.events, writer, encoder);
    } catch (error) {
      writing = Promise.reject(error);
      // Awaited below once the opening settles, in this same run of microtasks.
      writing.catch(ignore);
    }
  };
  const opening = services.chat.openStream(options.caller, options.chatRequest, context, startWriting);
  let session: ChatStreamSession;
  const early = await settledWithin(opening, keepAliveMs);
  if (early !== null) {
    // The usual case: the upstream answered (or everything failed) quickly, so an error still
    // gets its own HTTP status and the headers say who answered.
    if (!early.ok) throw early.error;
    session = early.session;
  } else {
    // The upstreams are slow to start (a model thinking before its first byte). Open the stream
    // now and keep it alive, so no proxy cuts it; failover goes on unseen, since comments carry
    // no data. A failure from here on can only be told as the stream's error event.
    if (!writerOpen) openWriter(null);
    try {
      session = await opening;
    } catch (error) {
      if (!writer.isClosed) await writer.write(encoder.encode({ type: 'error', error: asGatewayError(error) }));
      writer.end();
      return 'failed';
    }
  }

  let failed = false;
  try {
    if (writing === null) startWriting(session);
    failed = await writing!;
  } catch (error) {
    // An adapter broke its promise to end with an error event: end the stream cleanly anyway.
    failed = true;
    services.logger.error({ err: error, requestId: exchange.generationId }, 'stream failed');
    if (!writer.isClosed) await writer.write(encoder.encode({ type: 'error', error: asGatewayError(error) }));
  }
  const clientLeft = writer.isClosed || context.signal.aborted;
  const { usage, cost, written } = session.finish(clientLeft ? 'client_closed' : 'completed');
  // The stream ends once its record is in the journal.
  if (written) await written;
  if (clientLeft || failed) {
    writer.end();
    return clientLeft ? 'client_left' : 'failed';
  }
  const closing = encoder.finish(usage ?? undefined, unitsToUsdNumber(cost));
  options.beforeCompletedEnd?.();
  writer.end(closing);
  return 'completed';
}

function ignore(): void {}

function asGatewayError(error: unknown): GatewayError {
  return isGatewayError(error) ? error : new GatewayError('upstream_error', 'The upstream stream failed.');
}

type Settled<T> = { ok: true; session: T } | { ok: false; error: unknown };

/**
 * How the opening settled, if it did within `ms` (with no interval, whenever it does); null when
 * it had not by then. One promise from the opening to the caller: each hop between the first
 * content event and the first write is a turn of the microtask queue the client waits for.
 */
function settledWithin<T>(opening: Promise<T>, ms: number): Promise<Settled<T> | null> {
  return new Promise((resolve) => {
    const timer = ms > 0 ? setTimeout(() => resolve(null), ms) : undefined;
    opening.then(
      (session) => {
        clearTimeout(timer);
        resolve({ ok: true, session });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ ok: false, error });
      },
    );
  });
}

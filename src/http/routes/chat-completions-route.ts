import type { FastifyInstance } from 'fastify';
import { GatewayError, isGatewayError } from '../../core/index.js';
import { decodeChatRequest } from '../../dialects/openai-chat/decode-chat-request.js';
import { encodeChatResponse, usesLegacyFunctions } from '../../dialects/openai-chat/encode-chat-response.js';
import { ChatStreamEncoder } from '../../dialects/openai-chat/chat-stream-encoder.js';
import { unitsToUsdNumber, unitsToUsdString } from '../../metering/money.js';
import type { ChatStreamSession } from '../../pipeline/chat-pipeline.js';
import type { GatewayServices } from '../gateway-services.js';
import { abortWhenClientLeaves } from '../client-abort.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { SseWriter } from '../sse-writer.js';

export function registerChatCompletionsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const caller = await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    const chatRequest = decodeChatRequest(request.body);
    const abort = abortWhenClientLeaves(reply);
    const context = {
      generationId: request.generationId,
      endpoint: '/v1/chat/completions',
      startedAt: request.startedAt,
      signal: abort.signal,
      clientIp: services.clientAddress(request.raw.socket.remoteAddress, request.headers),
    };

    if (!chatRequest.stream) {
      const completed = await services.chat.complete(caller, chatRequest, context);
      reply.header('x-switchyard-cost', unitsToUsdString(completed.cost));
      reply.header('x-switchyard-attempts', String(completed.attempts));
      reply.header('x-switchyard-model', completed.model);
      return encodeChatResponse(
        { ...completed.response, usage: completed.usage },
        {
          id: request.generationId,
          model: chatRequest.model,
          costUsd: unitsToUsdNumber(completed.cost),
          legacyFunctions: usesLegacyFunctions(chatRequest),
        },
      );
    }

    const encoder = new ChatStreamEncoder({
      id: request.generationId,
      model: chatRequest.model,
      created: Math.floor(request.startedAt / 1000),
      includeUsage: chatRequest.streamIncludeUsage === true,
      legacyFunctions: usesLegacyFunctions(chatRequest),
    });
    const keepAliveMs = services.streamKeepaliveMs();
    const opening = services.chat.openStream(caller, chatRequest, context);
    let writer: SseWriter;
    let session: ChatStreamSession;
    if (await settlesWithin(opening, keepAliveMs)) {
      // The usual case: the upstream answered (or everything failed) quickly, so an error still
      // gets its own HTTP status and the headers can say who answered.
      session = await opening;
      reply.hijack();
      writer = new SseWriter(reply.raw);
      writer.open({ 'x-request-id': request.generationId, 'x-switchyard-attempts': String(session.attempts), 'x-switchyard-model': session.model });
      writer.keepAlive(keepAliveMs);
    } else {
      // The upstreams are slow to start (a model thinking before its first byte). Open the stream
      // now and keep it alive, so no proxy cuts it; failover goes on unseen, since comments carry
      // no data. A failure from here on can only be told as the stream's error event.
      reply.hijack();
      writer = new SseWriter(reply.raw);
      writer.open({ 'x-request-id': request.generationId });
      writer.keepAlive(keepAliveMs);
      try {
        session = await opening;
      } catch (error) {
        if (!writer.isClosed) {
          const gatewayError = isGatewayError(error) ? error : new GatewayError('upstream_error', 'The upstream stream failed.');
          await writer.write(encoder.encode({ type: 'error', error: gatewayError }));
        }
        writer.end();
        return;
      }
    }

    let failed = false;
    try {
      for await (const event of session.events) {
        if (writer.isClosed) break;
        if (event.type === 'error') failed = true;
        await writer.write(encoder.encode(event));
        if (failed) break;
      }
    } catch (error) {
      // An adapter broke its promise to end with an error event: end the stream cleanly anyway.
      failed = true;
      const gatewayError = isGatewayError(error) ? error : undefined;
      services.logger.error({ err: error, requestId: request.generationId }, 'stream failed');
      if (!writer.isClosed) {
        await writer.write(encoder.encode({ type: 'error', error: gatewayError ?? new GatewayError('upstream_error', 'The upstream stream failed.') }));
      }
    }
    const clientLeft = writer.isClosed || abort.signal.aborted;
    const { usage, cost } = session.finish(clientLeft ? 'client_closed' : 'completed');
    if (clientLeft) {
      writer.end();
      return;
    }
    writer.end(failed ? '' : encoder.finish(usage ?? undefined, unitsToUsdNumber(cost)));
  });
}

/** True when the promise settles (either way) within `ms`; with no interval, waits for it. */
function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(
    () => true,
    () => true,
  );
  if (ms <= 0) return settled;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void settled.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

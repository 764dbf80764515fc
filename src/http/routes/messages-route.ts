import type { FastifyInstance } from 'fastify';
import { GatewayError, isGatewayError } from '../../core/index.js';
import { decodeMessagesRequest } from '../../dialects/anthropic-messages/decode-messages-request.js';
import { encodeMessagesResponse } from '../../dialects/anthropic-messages/encode-messages-response.js';
import { MessagesStreamEncoder } from '../../dialects/anthropic-messages/messages-stream-encoder.js';
import { estimatePromptTokens } from '../../metering/estimate-tokens.js';
import { unitsToUsdNumber, unitsToUsdString } from '../../metering/money.js';
import type { ChatStreamSession } from '../../pipeline/chat-pipeline.js';
import type { GatewayServices } from '../gateway-services.js';
import { abortWhenClientLeaves } from '../client-abort.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { SseWriter } from '../sse-writer.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`, with or without `?beta=true`) in front of any
 * upstream, and `POST /v1/messages/count_tokens`. Keys come as `x-api-key` or a bearer token;
 * `anthropic-version` and `anthropic-beta` are accepted whatever their value. Errors thrown here
 * leave through the server's error handler, which answers `/v1/messages*` in Anthropic's envelope.
 */
export function registerMessagesRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post('/v1/messages/count_tokens', async (request) => {
    await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    // count_tokens takes a Messages body without `max_tokens`, which the decoder does not require.
    const chatRequest = decodeMessagesRequest(request.body);
    return { input_tokens: estimatePromptTokens(chatRequest) };
  });

  app.post('/v1/messages', async (request, reply) => {
    const caller = await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    const chatRequest = decodeMessagesRequest(request.body);
    // An Anthropic upstream gets the client's beta features too (Claude Code sends a long list).
    const beta = request.headers['anthropic-beta'];
    if (chatRequest.original && typeof beta === 'string' && beta !== '') chatRequest.original.headers = { 'anthropic-beta': beta };
    const abort = abortWhenClientLeaves(reply);
    const context = {
      generationId: request.generationId,
      endpoint: '/v1/messages',
      startedAt: request.startedAt,
      signal: abort.signal,
      clientIp: services.clientAddress(request.raw.socket.remoteAddress, request.headers),
    };

    if (!chatRequest.stream) {
      const completed = await services.chat.complete(caller, chatRequest, context);
      reply.header('x-switchyard-cost', unitsToUsdString(completed.cost));
      reply.header('x-switchyard-attempts', String(completed.attempts));
      reply.header('x-switchyard-model', completed.model);
      return encodeMessagesResponse(
        { ...completed.response, usage: completed.usage },
        { id: request.generationId, model: chatRequest.model, costUsd: unitsToUsdNumber(completed.cost) },
      );
    }

    const encoder = new MessagesStreamEncoder({
      id: request.generationId,
      model: chatRequest.model,
      estimatedInputTokens: estimatePromptTokens(chatRequest),
    });
    const keepAliveMs = services.streamKeepaliveMs();
    const opening = services.chat.openStream(caller, chatRequest, context);
    let writer: SseWriter;
    let session: ChatStreamSession;
    if (await settlesWithin(opening, keepAliveMs)) {
      // The usual case: an error before the first byte still gets its own HTTP status.
      session = await opening;
      reply.hijack();
      writer = new SseWriter(reply.raw);
      writer.open({ 'x-request-id': request.generationId, 'x-switchyard-attempts': String(session.attempts), 'x-switchyard-model': session.model });
      writer.keepAlive(keepAliveMs);
    } else {
      // Slow upstreams: open the stream now and keep it alive; a failure from here on can only be
      // told as the stream's error event.
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

import type { FastifyInstance } from 'fastify';
import type { Message } from '../../core/chat-request.js';
import { GatewayError, isGatewayError } from '../../core/index.js';
import { decodeResponsesRequest, type DecodedResponsesRequest } from '../../dialects/openai-responses/decode-responses-request.js';
import { decodeResponsesInput } from '../../dialects/openai-responses/decode-responses-input.js';
import { encodeResponsesResponse } from '../../dialects/openai-responses/encode-responses-response.js';
import { ResponsesStreamEncoder } from '../../dialects/openai-responses/responses-stream-encoder.js';
import { StoredResponses } from '../../dialects/openai-responses/stored-responses.js';
import type { ResponseMeta } from '../../dialects/openai-responses/responses-object.js';
import { unitsToUsdNumber, unitsToUsdString } from '../../metering/money.js';
import type { ChatStreamSession } from '../../pipeline/chat-pipeline.js';
import type { GatewayServices } from '../gateway-services.js';
import { abortWhenClientLeaves } from '../client-abort.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { SseWriter } from '../sse-writer.js';

export interface ResponsesRouteOptions {
  /** Where responses are kept for `previous_response_id`; one in-memory store per route by default. */
  storedResponses?: StoredResponses;
}

/** Tells the client which hosted tools the gateway left out (see `decodeResponsesTools`). */
function droppedToolsHeader(decoded: DecodedResponsesRequest): Record<string, string> {
  return decoded.droppedTools.length === 0 ? {} : { 'x-switchyard-dropped-tools': [...new Set(decoded.droppedTools)].join(',') };
}

export function registerResponsesRoute(app: FastifyInstance, services: GatewayServices, options: ResponsesRouteOptions = {}): void {
  const stored = options.storedResponses ?? new StoredResponses();

  app.post('/v1/responses', async (request, reply) => {
    const caller = await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    const decoded = decodeResponsesRequest(request.body);
    const chatRequest = decoded.request;
    const history: Message[] =
      decoded.previousResponseId === undefined ? [] : stored.load(decoded.previousResponseId, caller.account.id);
    const conversation = [...history, ...decoded.inputMessages];
    chatRequest.messages = [...decoded.instructionMessages, ...conversation];
    const remember = (assistant: Message[]): void => {
      if (decoded.store) stored.save(request.generationId, caller.account.id, [...conversation, ...assistant]);
    };

    const abort = abortWhenClientLeaves(reply);
    const context = {
      generationId: request.generationId,
      endpoint: '/v1/responses',
      startedAt: request.startedAt,
      signal: abort.signal,
      clientIp: services.clientAddress(request.raw.socket.remoteAddress, request.headers),
    };
    const meta: ResponseMeta = {
      id: request.generationId,
      model: chatRequest.model,
      createdAt: Math.floor(request.startedAt / 1000),
      body: decoded.body,
      reasoningSummary: decoded.reasoningSummary,
      includeEncryptedReasoning: decoded.includeEncryptedReasoning,
    };

    if (!chatRequest.stream) {
      const completed = await services.chat.complete(caller, chatRequest, context);
      reply.header('x-switchyard-cost', unitsToUsdString(completed.cost));
      reply.header('x-switchyard-attempts', String(completed.attempts));
      reply.header('x-switchyard-model', completed.model);
      reply.headers(droppedToolsHeader(decoded));
      const choice = completed.response.choices[0];
      if (choice !== undefined) remember([{ role: 'assistant', content: choice.content }]);
      return encodeResponsesResponse({ ...completed.response, usage: completed.usage }, meta, unitsToUsdNumber(completed.cost));
    }

    const encoder = new ResponsesStreamEncoder(meta);
    const keepAliveMs = services.streamKeepaliveMs();
    const opening = services.chat.openStream(caller, chatRequest, context);
    let writer: SseWriter;
    let session: ChatStreamSession;
    if (await settlesWithin(opening, keepAliveMs)) {
      // An early failure still gets its own HTTP status, as on the chat route.
      session = await opening;
      reply.hijack();
      writer = new SseWriter(reply.raw);
      writer.open({
        'x-request-id': request.generationId,
        'x-switchyard-attempts': String(session.attempts),
        'x-switchyard-model': session.model,
        ...droppedToolsHeader(decoded),
      });
      writer.keepAlive(keepAliveMs);
      await writer.write(encoder.begin());
    } else {
      reply.hijack();
      writer = new SseWriter(reply.raw);
      writer.open({ 'x-request-id': request.generationId, ...droppedToolsHeader(decoded) });
      writer.keepAlive(keepAliveMs);
      await writer.write(encoder.begin());
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
      services.logger.error({ err: error, requestId: request.generationId }, 'stream failed');
      if (!writer.isClosed) {
        const gatewayError = isGatewayError(error) ? error : new GatewayError('upstream_error', 'The upstream stream failed.');
        await writer.write(encoder.encode({ type: 'error', error: gatewayError }));
      }
    }
    const clientLeft = writer.isClosed || abort.signal.aborted;
    const { usage, cost } = session.finish(clientLeft ? 'client_closed' : 'completed');
    if (clientLeft || failed) {
      writer.end();
      return;
    }
    writer.end(encoder.finish(usage ?? undefined, unitsToUsdNumber(cost)));
    remember(decodeResponsesInput(encoder.output));
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

import type { FastifyInstance } from 'fastify';
import type { Message } from '../../core/chat-request.js';
import { decodeResponsesRequest, type DecodedResponsesRequest } from '../../dialects/openai-responses/decode-responses-request.js';
import { decodeResponsesInput } from '../../dialects/openai-responses/decode-responses-input.js';
import { encodeResponsesResponse } from '../../dialects/openai-responses/encode-responses-response.js';
import { ResponsesStreamEncoder } from '../../dialects/openai-responses/responses-stream-encoder.js';
import { StoredResponses } from '../../dialects/openai-responses/stored-responses.js';
import type { ResponseMeta } from '../../dialects/openai-responses/responses-object.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { chatContext, setAnswerHeaders, streamChat } from '../chat-exchange.js';

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

    const context = chatContext(request, reply, services, '/v1/responses');
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
      setAnswerHeaders(reply, completed);
      reply.headers(droppedToolsHeader(decoded));
      const choice = completed.response.choices[0];
      if (choice !== undefined) remember([{ role: 'assistant', content: choice.content }]);
      return encodeResponsesResponse({ ...completed.response, usage: completed.usage }, meta, unitsToUsdNumber(completed.cost));
    }

    const encoder = new ResponsesStreamEncoder(meta);
    // Saved before the final event leaves, so that a client continuing at once (perhaps on
    // another worker) finds it.
    await streamChat({
      request,
      reply,
      services,
      caller,
      chatRequest,
      context,
      encoder,
      headers: droppedToolsHeader(decoded),
      beforeCompletedEnd: () => remember(decodeResponsesInput(encoder.output)),
    });
  });
}

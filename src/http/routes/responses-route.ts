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
import { registerInferenceRoute, type InferenceRoute } from '../inference-exchange.js';

export interface ResponsesRouteOptions {
  /** Where responses are kept for `previous_response_id`; one in-memory store per route by default. */
  storedResponses?: StoredResponses;
}

/** Tells the client which hosted tools the gateway left out (see `decodeResponsesTools`). */
function droppedToolsHeader(decoded: DecodedResponsesRequest): Record<string, string> {
  return decoded.droppedTools.length === 0 ? {} : { 'x-switchyard-dropped-tools': [...new Set(decoded.droppedTools)].join(',') };
}

export function registerResponsesRoute(app: FastifyInstance, services: GatewayServices, options: ResponsesRouteOptions = {}): void {
  registerInferenceRoute(app, responsesRoute(services, options));
}

export function responsesRoute(services: GatewayServices, options: ResponsesRouteOptions = {}): InferenceRoute {
  const stored = options.storedResponses ?? new StoredResponses();

  return {
    url: '/v1/responses',
    handler: async (exchange) => {
      const caller = await services.authenticator.authenticate(apiKeyFromHeaders(exchange.headers));
      const decoded = decodeResponsesRequest(exchange.body);
      const chatRequest = decoded.request;
      const history: Message[] =
        decoded.previousResponseId === undefined ? [] : stored.load(decoded.previousResponseId, caller.account.id);
      const conversation = [...history, ...decoded.inputMessages];
      chatRequest.messages = [...decoded.instructionMessages, ...conversation];
      const remember = (assistant: Message[]): void => {
        if (decoded.store) stored.save(exchange.generationId, caller.account.id, [...conversation, ...assistant]);
      };

      const context = chatContext(exchange, services, '/v1/responses');
      const meta: ResponseMeta = {
        id: exchange.generationId,
        model: chatRequest.model,
        createdAt: Math.floor(exchange.startedAt / 1000),
        body: decoded.body,
        reasoningSummary: decoded.reasoningSummary,
        includeEncryptedReasoning: decoded.includeEncryptedReasoning,
      };

      if (!chatRequest.stream) {
        const completed = await services.chat.complete(caller, chatRequest, context);
        setAnswerHeaders(exchange, completed);
        for (const [name, value] of Object.entries(droppedToolsHeader(decoded))) exchange.header(name, value);
        const choice = completed.response.choices[0];
        if (choice !== undefined) remember([{ role: 'assistant', content: choice.content }]);
        return encodeResponsesResponse({ ...completed.response, usage: completed.usage }, meta, unitsToUsdNumber(completed.cost));
      }

      const encoder = new ResponsesStreamEncoder(meta);
      // Saved before the final event leaves, so that a client continuing at once (perhaps on
      // another worker) finds it.
      await streamChat({
        exchange,
        services,
        caller,
        chatRequest,
        context,
        encoder,
        headers: droppedToolsHeader(decoded),
        beforeCompletedEnd: () => remember(decodeResponsesInput(encoder.output)),
      });
      return undefined;
    },
  };
}

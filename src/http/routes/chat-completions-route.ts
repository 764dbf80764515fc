import type { FastifyInstance } from 'fastify';
import { decodeChatRequest } from '../../dialects/openai-chat/decode-chat-request.js';
import { encodeChatResponse, usesLegacyFunctions } from '../../dialects/openai-chat/encode-chat-response.js';
import { ChatStreamEncoder } from '../../dialects/openai-chat/chat-stream-encoder.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { chatContext, setAnswerHeaders, streamChat } from '../chat-exchange.js';
import { registerInferenceRoute, type InferenceRoute } from '../inference-exchange.js';

export function chatCompletionsRoute(services: GatewayServices): InferenceRoute {
  return {
    url: '/v1/chat/completions',
    handler: async (exchange) => {
      const caller = await services.authenticator.authenticate(apiKeyFromHeaders(exchange.headers));
      const chatRequest = decodeChatRequest(exchange.body);
      const context = chatContext(exchange, services, '/v1/chat/completions');
      const legacyFunctions = usesLegacyFunctions(chatRequest);

      if (!chatRequest.stream) {
        const completed = await services.chat.complete(caller, chatRequest, context);
        setAnswerHeaders(exchange, completed);
        return encodeChatResponse(
          { ...completed.response, usage: completed.usage },
          { id: exchange.generationId, model: chatRequest.model, costUsd: unitsToUsdNumber(completed.cost), legacyFunctions },
        );
      }

      const encoder = new ChatStreamEncoder({
        id: exchange.generationId,
        model: chatRequest.model,
        created: Math.floor(exchange.startedAt / 1000),
        includeUsage: chatRequest.streamIncludeUsage === true,
        legacyFunctions,
      });
      await streamChat({ exchange, services, caller, chatRequest, context, encoder });
      return undefined;
    },
  };
}

export function registerChatCompletionsRoute(app: FastifyInstance, services: GatewayServices): void {
  registerInferenceRoute(app, chatCompletionsRoute(services));
}

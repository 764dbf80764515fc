import type { FastifyInstance } from 'fastify';
import { decodeChatRequest } from '../../dialects/openai-chat/decode-chat-request.js';
import { encodeChatResponse, usesLegacyFunctions } from '../../dialects/openai-chat/encode-chat-response.js';
import { ChatStreamEncoder } from '../../dialects/openai-chat/chat-stream-encoder.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { chatContext, setAnswerHeaders, streamChat } from '../chat-exchange.js';

export function registerChatCompletionsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const caller = await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    const chatRequest = decodeChatRequest(request.body);
    const context = chatContext(request, reply, services, '/v1/chat/completions');
    const legacyFunctions = usesLegacyFunctions(chatRequest);

    if (!chatRequest.stream) {
      const completed = await services.chat.complete(caller, chatRequest, context);
      setAnswerHeaders(reply, completed);
      return encodeChatResponse(
        { ...completed.response, usage: completed.usage },
        { id: request.generationId, model: chatRequest.model, costUsd: unitsToUsdNumber(completed.cost), legacyFunctions },
      );
    }

    const encoder = new ChatStreamEncoder({
      id: request.generationId,
      model: chatRequest.model,
      created: Math.floor(request.startedAt / 1000),
      includeUsage: chatRequest.streamIncludeUsage === true,
      legacyFunctions,
    });
    await streamChat({ request, reply, services, caller, chatRequest, context, encoder });
  });
}

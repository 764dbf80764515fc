import type { FastifyInstance } from 'fastify';
import { decodeMessagesRequest } from '../../dialects/anthropic-messages/decode-messages-request.js';
import { encodeMessagesResponse } from '../../dialects/anthropic-messages/encode-messages-response.js';
import { MessagesStreamEncoder } from '../../dialects/anthropic-messages/messages-stream-encoder.js';
import { estimatePromptTokens } from '../../metering/estimate-tokens.js';
import { unitsToUsdNumber } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';
import { chatContext, setAnswerHeaders, streamChat } from '../chat-exchange.js';
import { registerInferenceRoute, type InferenceRoute } from '../inference-exchange.js';

/**
 * Anthropic's Messages API (`POST /v1/messages`, with or without `?beta=true`) in front of any
 * upstream, and `POST /v1/messages/count_tokens`. Keys come as `x-api-key` or a bearer token;
 * `anthropic-version` and `anthropic-beta` are accepted whatever their value. Errors thrown here
 * leave through the server's error handler, which answers `/v1/messages*` in Anthropic's envelope.
 */
export function registerMessagesRoute(app: FastifyInstance, services: GatewayServices, messages = messagesRoute(services)): void {
  app.post('/v1/messages/count_tokens', async (request) => {
    await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    // count_tokens takes a Messages body without `max_tokens`, which the decoder does not require.
    const chatRequest = decodeMessagesRequest(request.body);
    return { input_tokens: estimatePromptTokens(chatRequest) };
  });

  registerInferenceRoute(app, messages);
}

export function messagesRoute(services: GatewayServices): InferenceRoute {
  return {
    url: '/v1/messages',
    handler: async (exchange) => {
      const caller = await services.authenticator.authenticate(apiKeyFromHeaders(exchange.headers));
      const chatRequest = decodeMessagesRequest(exchange.body);
      // An Anthropic upstream gets the client's beta features too (Claude Code sends a long list).
      const beta = exchange.headers['anthropic-beta'];
      if (chatRequest.original && typeof beta === 'string' && beta !== '') chatRequest.original.headers = { 'anthropic-beta': beta };
      const context = chatContext(exchange, services, '/v1/messages');

      if (!chatRequest.stream) {
        const completed = await services.chat.complete(caller, chatRequest, context);
        setAnswerHeaders(exchange, completed);
        return encodeMessagesResponse(
          { ...completed.response, usage: completed.usage },
          { id: exchange.generationId, model: chatRequest.model, costUsd: unitsToUsdNumber(completed.cost) },
        );
      }

      const encoder = new MessagesStreamEncoder({
        id: exchange.generationId,
        model: chatRequest.model,
        estimatedInputTokens: estimatePromptTokens(chatRequest),
      });
      await streamChat({ exchange, services, caller, chatRequest, context, encoder });
      return undefined;
    },
  };
}

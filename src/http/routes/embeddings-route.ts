import type { FastifyInstance } from 'fastify';
import { decodeEmbeddingRequest } from '../../dialects/openai-embeddings/decode-embedding-request.js';
import { encodeEmbeddingResponse } from '../../dialects/openai-embeddings/encode-embedding-response.js';
import { unitsToUsdNumber, unitsToUsdString } from '../../metering/money.js';
import type { GatewayServices } from '../gateway-services.js';
import { cancelWhenClientLeaves } from '../client-cancel.js';
import { apiKeyFromHeaders } from '../api-key-from-headers.js';

export function registerEmbeddingsRoute(app: FastifyInstance, services: GatewayServices): void {
  app.post('/v1/embeddings', async (request, reply) => {
    const caller = await services.authenticator.authenticate(apiKeyFromHeaders(request.headers));
    const embeddingRequest = decodeEmbeddingRequest(request.body);
    const completed = await services.embeddings.embed(caller, embeddingRequest, {
      generationId: request.generationId,
      endpoint: '/v1/embeddings',
      startedAt: request.startedAt,
      signal: cancelWhenClientLeaves(reply),
      clientAddress: () => services.clientAddress(request.raw.socket.remoteAddress, request.headers),
    });
    reply.header('x-switchyard-cost', unitsToUsdString(completed.cost));
    reply.header('x-switchyard-attempts', String(completed.attempts));
    return encodeEmbeddingResponse(completed.response, {
      model: embeddingRequest.model,
      costUsd: unitsToUsdNumber(completed.cost),
    });
  });
}

import { GatewayError, type EmbeddingRequest, type EmbeddingResponse } from '../../core/index.js';
import type { OpenAIEmbeddingsWire } from './openai-wire-types.js';

/** The Embeddings body: the client's own body when it arrived in OpenAI's format, else built. */
export function buildOpenAIEmbeddingsBody(request: EmbeddingRequest, upstreamModel: string): Record<string, unknown> {
  if (request.original?.dialect === 'openai-chat') {
    const body: Record<string, unknown> = { ...request.original.body, model: upstreamModel };
    delete body.models;
    return body;
  }
  const body: Record<string, unknown> = { model: upstreamModel, input: request.input };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  if (request.encodingFormat !== undefined) body.encoding_format = request.encodingFormat;
  if (request.user !== undefined) body.user = request.user;
  return body;
}

/** Converts an Embeddings answer to the canonical response. */
export function parseOpenAIEmbeddingsResponse(json: unknown, fallbackModel: string): EmbeddingResponse {
  const wire = (typeof json === 'object' && json !== null ? json : {}) as OpenAIEmbeddingsWire;
  if (!Array.isArray(wire.data)) {
    throw new GatewayError('upstream_error', 'Upstream embeddings answer has no data', { retryElsewhere: true });
  }
  const data = wire.data.map((item, position) => ({
    index: typeof item.index === 'number' ? item.index : position,
    embedding: item.embedding ?? [],
  }));
  const promptTokens = wire.usage?.prompt_tokens ?? wire.usage?.total_tokens;
  return {
    model: typeof wire.model === 'string' ? wire.model : fallbackModel,
    data,
    usage:
      typeof promptTokens === 'number'
        ? { inputTokens: promptTokens, source: 'upstream' }
        : { inputTokens: 0, source: 'estimated' },
  };
}

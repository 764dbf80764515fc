import type { EmbeddingRequest } from '../../core/embedding.js';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { isJsonObject } from '../openai-chat/is-json-object.js';
import { validationIssueToGatewayError } from '../openai-chat/validation-issue-to-gateway-error.js';
import { openaiEmbeddingRequestSchema, type OpenAIEmbeddingRequestBody } from './embedding-request-schema.js';

function normaliseInput(input: OpenAIEmbeddingRequestBody['input']): string[] | number[][] {
  if (typeof input === 'string') return [input];
  const first = input[0];
  if (typeof first === 'number') return [input as number[]];
  return input as string[] | number[][];
}

/**
 * Validates an OpenAI Embeddings request body. A single string or token array becomes a list of
 * one; OpenAI answers both forms with a list, so nothing else needs to remember the difference.
 */
export function decodeEmbeddingRequest(body: unknown): EmbeddingRequest {
  if (!isJsonObject(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  try {
    const parsed = openaiEmbeddingRequestSchema.safeParse(body);
    if (!parsed.success) throw validationIssueToGatewayError(parsed.error.issues, body);
    const data = parsed.data;
    const request: EmbeddingRequest = {
      model: data.model,
      input: normaliseInput(data.input),
      original: { dialect: 'openai-chat', body },
    };
    if (data.dimensions != null) request.dimensions = data.dimensions;
    if (data.encoding_format != null) request.encodingFormat = data.encoding_format;
    if (data.user != null) request.user = data.user;
    return request;
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw new GatewayError('invalid_request', 'The request body could not be read.', { param: null });
  }
}

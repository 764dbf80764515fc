import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from '../core/index.js';
import { encodeOpenAIError } from '../dialects/openai-chat/encode-openai-error.js';
import { encodeAnthropicError } from '../dialects/anthropic-messages/encode-anthropic-error.js';
import { bodyTooLargeError, invalidJsonError, unreadableBodyError } from './json-request-body.js';

export interface ErrorLogger {
  error(object: object, message: string): void;
}

/** Turns anything thrown on a request into the contract's envelope; never a stack trace. */
export function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLargeError();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJsonError();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError('unsupported_media_type', 'Send the request body as application/json.');
    default:
      break;
  }
  if (fastifyError.statusCode === 400) return unreadableBodyError();
  return new GatewayError('internal_error', 'The server failed to handle this request.');
}

/** Anthropic-dialect paths answer in Anthropic's envelope; every other path in OpenAI's. */
export function encodeErrorFor(path: string, error: GatewayError) {
  return path.startsWith('/v1/messages') ? encodeAnthropicError(error) : encodeOpenAIError(error);
}

/** The envelope answering `thrown` on `url`; an unexpected failure is logged, never shown. */
export function errorAnswer(url: string, requestId: string, thrown: unknown, logger: ErrorLogger) {
  const error = toGatewayError(thrown);
  if (error.code === 'internal_error') logger.error({ err: thrown, path: url, requestId }, 'request failed');
  return encodeErrorFor(url, error);
}

export function sendError(request: FastifyRequest, reply: FastifyReply, thrown: unknown, logger: ErrorLogger): void {
  const encoded = errorAnswer(request.url, request.generationId, thrown, logger);
  reply.code(encoded.status).headers(encoded.headers).send(encoded.body);
}

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * What an inference route reads and writes of one HTTP exchange. The same handler serves the
 * request whether it came straight from node:http (`direct-inference-routes.ts`) or through
 * Fastify (its injected test requests included).
 */
export interface InferenceExchange {
  readonly generationId: string;
  readonly startedAt: number;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Adds a header to a whole (not streamed) answer. */
  header(name: string, value: string): void;
  /** Hands the response to a stream writer, which writes the head itself. */
  hijack(): void;
}

/** Resolves to the body of a whole JSON answer, or to undefined once the answer was streamed. */
export type InferenceHandler = (exchange: InferenceExchange) => Promise<unknown>;

export interface InferenceRoute {
  /** The POST path, as Fastify registers it. */
  readonly url: string;
  readonly handler: InferenceHandler;
}

export function registerInferenceRoute(app: FastifyInstance, route: InferenceRoute): void {
  app.post(route.url, (request, reply) => route.handler(exchangeOfFastify(request, reply)));
}

function exchangeOfFastify(request: FastifyRequest, reply: FastifyReply): InferenceExchange {
  return {
    generationId: request.generationId,
    startedAt: request.startedAt,
    headers: request.headers,
    body: request.body,
    request: request.raw,
    response: reply.raw,
    header: (name, value) => {
      reply.header(name, value);
    },
    hijack: () => {
      reply.hijack();
    },
  };
}

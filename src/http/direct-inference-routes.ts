import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { newGenerationId } from '../pipeline/generation-id.js';
import { errorAnswer } from './error-reply.js';
import { countExchange, setFixedHeaders, shuttingDownError } from './exchange-accounting.js';
import type { GatewayServices } from './gateway-services.js';
import type { InferenceExchange, InferenceHandler, InferenceRoute } from './inference-exchange.js';
import { parseJsonBody, readRequestBody } from './json-request-body.js';

type DirectServices = Pick<GatewayServices, 'activity' | 'metrics' | 'logger' | 'isShuttingDown' | 'bodyLimitBytes'>;

/**
 * The inference routes served straight from node:http, before Fastify sees the request: its
 * request and reply objects, hooks, router and body parser cost about a sixth of a bare proxy's
 * CPU per request (docs/decisions/0017). Only the plain form of a request is taken here, a POST
 * to the route's path (one trailing slash and a query allowed) with a JSON content type or none;
 * anything else goes on to Fastify, whose routes for the same paths run the same handlers. What a
 * client sees is the same either way: the same body limits and errors, envelopes and headers.
 */
export class DirectInferenceRoutes {
  readonly #routes = new Map<string, DirectRoute>();

  constructor(
    routes: readonly InferenceRoute[],
    private readonly services: DirectServices,
    private readonly fixedHeaders: ReadonlyArray<readonly [string, string]> = [],
  ) {
    for (const route of routes) this.#routes.set(route.url, { url: route.url, handler: route.handler, urlOf: () => route.url });
  }

  /** Serves the request and returns true, or returns false to leave it to Fastify. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    if (request.method !== 'POST') return false;
    const route = this.#routes.get(pathOf(request.url ?? ''));
    if (route === undefined || !isPlainJsonContentType(request.headers['content-type'])) return false;
    const services = this.services;
    const startedAt = Date.now();
    const exchange = new DirectExchange(request, response, newGenerationId(startedAt), startedAt, services);
    setFixedHeaders(response, this.fixedHeaders);
    countExchange(services, response, startedAt, route.urlOf);
    if (services.isShuttingDown()) {
      exchange.fail(shuttingDownError());
      return true;
    }
    readRequestBody(request, services.bodyLimitBytes, (error, text) => {
      if (error !== null) exchange.fail(error);
      else exchange.run(route.handler, text);
    });
    return true;
  }
}

interface DirectRoute extends InferenceRoute {
  readonly urlOf: () => string;
}

/** The path without its query, and without one trailing slash (Fastify's `ignoreTrailingSlash`). */
function pathOf(url: string): string {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The content types the official SDKs send, or none; any other is left to Fastify's parser. */
function isPlainJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType === 'application/json') return true;
  const lower = contentType.toLowerCase();
  return lower === 'application/json' || lower === 'application/json; charset=utf-8' || lower === 'application/json;charset=utf-8';
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

class DirectExchange implements InferenceExchange {
  body: unknown = undefined;
  readonly headers: IncomingHttpHeaders;
  #answerHeaders: Record<string, string>;
  #hijacked = false;

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly generationId: string,
    readonly startedAt: number,
    private readonly services: DirectServices,
  ) {
    this.headers = request.headers;
    this.#answerHeaders = { 'x-request-id': generationId };
  }

  header(name: string, value: string): void {
    this.#answerHeaders[name] = value;
  }

  hijack(): void {
    this.#hijacked = true;
  }

  run(handler: InferenceHandler, text: string | undefined): void {
    try {
      this.body = text === undefined ? undefined : parseJsonBody(text);
    } catch (error) {
      this.fail(error);
      return;
    }
    handler(this).then(
      (answer) => {
        if (!this.#hijacked) this.#answer(200, answer);
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Answers with the error's envelope; after the head has gone out, ends the response instead. */
  fail(thrown: unknown): void {
    const response = this.response;
    if (this.#hijacked || response.headersSent) {
      this.services.logger.error({ err: thrown, requestId: this.generationId }, 'request failed after its answer began');
      if (!response.writableEnded) response.end();
      return;
    }
    const encoded = errorAnswer(this.request.url ?? '', this.generationId, thrown, this.services.logger);
    Object.assign(this.#answerHeaders, encoded.headers);
    this.#answer(encoded.status, encoded.body);
  }

  #answer(status: number, answer: unknown): void {
    const response = this.response;
    if (response.headersSent || response.destroyed) return;
    let text: string;
    try {
      text = answer === undefined ? '' : JSON.stringify(answer);
    } catch (error) {
      if (status === 200) this.fail(error);
      return;
    }
    const headers = this.#answerHeaders;
    if (answer !== undefined) headers['content-type'] = JSON_CONTENT_TYPE;
    headers['content-length'] = String(Buffer.byteLength(text));
    response.writeHead(status, headers);
    response.end(text);
  }
}

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectInferenceRoutes } from '../../src/http/direct-inference-routes.js';
import type { InferenceExchange } from '../../src/http/inference-exchange.js';
import { GatewayError } from '../../src/core/index.js';

// Which requests the direct routes take and which they leave to the server behind them, and what
// a handler sees of the ones they take.
const seen: Array<{ body: unknown; generationId: string }> = [];
const declined: string[] = [];
const answeredRoutes: string[] = [];
const activity = { inFlight: 0 };
let server: Server;
let origin: string;

beforeAll(async () => {
  const routes = new DirectInferenceRoutes(
    [
      {
        url: '/v1/echo',
        handler: async (exchange: InferenceExchange) => {
          seen.push({ body: exchange.body, generationId: exchange.generationId });
          if ((exchange.body as { fail?: boolean } | undefined)?.fail) throw new GatewayError('model_not_found', 'No such model.');
          if ((exchange.body as { crash?: boolean } | undefined)?.crash) throw new Error('secret detail');
          exchange.header('x-answer', 'set');
          return { echoed: exchange.body ?? null };
        },
      },
    ],
    {
      activity,
      metrics: { recordAnswered: (route: string) => answeredRoutes.push(route) } as never,
      logger: pino({ level: 'silent' }),
      isShuttingDown: () => false,
      bodyLimitBytes: 64,
    },
    [['x-fixed', 'yes']],
  );
  server = createServer((request, response) => {
    if (routes.serve(request, response)) return;
    declined.push(`${request.method} ${request.url} ${request.headers['content-type'] ?? '-'}`);
    response.writeHead(299).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const outgoing = httpRequest(`${origin}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('DirectInferenceRoutes', () => {
  it('serves a plain JSON POST to its path, with ids, its headers and the fixed ones', async () => {
    const answer = await send('POST', '/v1/echo', { 'content-type': 'application/json' }, '{"a":1}');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ echoed: { a: 1 } });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-answer']).toBe('set');
    expect(answer.headers['x-fixed']).toBe('yes');
    expect(answer.headers['x-request-id']).toBe(seen.at(-1)!.generationId);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  });

  it('serves the path with one trailing slash or a query, and a body sent in chunks', async () => {
    const before = seen.length;
    expect((await send('POST', '/v1/echo/', { 'content-type': 'application/json' }, '{}')).status).toBe(200);
    expect((await send('POST', '/v1/echo?x=1', {}, '{"b":2}')).status).toBe(200);
    expect((await send('POST', '/v1/echo', { 'transfer-encoding': 'chunked', 'content-type': 'APPLICATION/JSON; charset=UTF-8' }, '{"c":3}')).status).toBe(200);
    expect(seen.slice(before).map((entry) => entry.body)).toEqual([{}, { b: 2 }, { c: 3 }]);
  });

  it('gives a handler no body when the request has none, and reads none', async () => {
    const answer = await send('POST', '/v1/echo', {});
    expect(JSON.parse(answer.body)).toEqual({ echoed: null });
    expect(seen.at(-1)!.body).toBeUndefined();
  });

  it('leaves every other method, path and content type to the server behind it', async () => {
    const before = declined.length;
    expect((await send('GET', '/v1/echo', {})).status).toBe(299);
    expect((await send('POST', '/v1/echo//', { 'content-type': 'application/json' }, '{}')).status).toBe(299);
    expect((await send('POST', '/v1/echo/more', { 'content-type': 'application/json' }, '{}')).status).toBe(299);
    expect((await send('POST', '/v1/echo', { 'content-type': 'text/plain' }, '{}')).status).toBe(299);
    expect((await send('POST', '/v1/echo', { 'content-type': 'application/json; charset=latin1' }, '{}')).status).toBe(299);
    expect(declined.slice(before)).toHaveLength(5);
  });

  it('answers errors in the envelope, hiding what failed inside', async () => {
    const notFound = await send('POST', '/v1/echo', { 'content-type': 'application/json' }, '{"fail":true}');
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.body).error).toMatchObject({ code: 'model_not_found', message: 'No such model.' });
    const crashed = await send('POST', '/v1/echo', { 'content-type': 'application/json' }, '{"crash":true}');
    expect(crashed.status).toBe(500);
    expect(crashed.body).not.toContain('secret detail');
    expect(JSON.parse(crashed.body).error.code).toBe('internal_error');
    const invalid = await send('POST', '/v1/echo', { 'content-type': 'application/json' }, '{"a":');
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.message).toBe('The request body is not valid JSON.');
  });

  it('refuses a body over the limit, declared or sent in chunks, without calling the handler', async () => {
    const before = seen.length;
    const declaredTooLarge = await send('POST', '/v1/echo', { 'content-type': 'application/json' }, JSON.stringify({ a: 'x'.repeat(100) }));
    expect(declaredTooLarge.status).toBe(413);
    const chunkedTooLarge = await send('POST', '/v1/echo', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, JSON.stringify({ a: 'x'.repeat(100) }));
    expect(chunkedTooLarge.status).toBe(413);
    expect(JSON.parse(chunkedTooLarge.body).error.code).toBe('request_too_large');
    expect(seen.length).toBe(before);
  });

  it('counts each served request in flight until its response closes, under its route', async () => {
    const before = answeredRoutes.length;
    await send('POST', '/v1/echo', {}, '{}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answeredRoutes.slice(before)).toEqual(['/v1/echo']);
    expect(activity.inFlight).toBe(0);
  });
});

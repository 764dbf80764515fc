import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../src/http/create-http-server.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

// The real gateway's services behind a second server whose shutdown flag and body limit the tests
// set. Each request goes once over a socket (plain requests there are served before Fastify) and
// once through Fastify's `inject` (which always goes through Fastify's routes): both must answer
// alike, byte for byte once the ids and times that differ per request are masked.
const BODY_LIMIT = 4096;
let harness: TestGateway;
let app: FastifyInstance;
let origin: string;
let key: string;
let shuttingDown = false;
let answered = 0;

beforeAll(async () => {
  harness = await startTestGateway();
  ({ key } = await harness.createKey({ credit: '10' }));
  const services = harness.gateway.services;
  app = createHttpServer(
    {
      ...services,
      isShuttingDown: () => shuttingDown,
      bodyLimitBytes: BODY_LIMIT,
      metrics: new Proxy(services.metrics, {
        get: (target, property, receiver) =>
          property === 'recordAnswered'
            ? (...args: Parameters<typeof target.recordAnswered>) => {
                answered += 1;
                target.recordAnswered(...args);
              }
            : Reflect.get(target, property, receiver),
      }),
    },
    [],
    { responseHeaders: { 'x-fixed': 'yes' } },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

interface Exchange {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const VARYING_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function normalise(status: number, headers: IncomingHttpHeaders | Record<string, unknown>, body: string): Answer {
  const requestId = String(headers['x-request-id'] ?? '');
  expect(requestId).toMatch(/^gen-/);
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!VARYING_HEADERS.has(name)) kept[name] = String(value);
  }
  kept['x-request-id'] = '<id>';
  let text = body.replaceAll(requestId, '<id>').replace(/"(created|created_at)":\d+/g, '"$1":0');
  // Responses API item ids are derived from the generation id.
  text = text.replace(/"(msg|rs|fc)_[A-Za-z0-9_-]+"/g, '"$1_<id>"');
  if (kept['content-length'] !== undefined) kept['content-length'] = String(Buffer.byteLength(text));
  return { status, headers: kept, body: text };
}

function overSocket(exchange: Exchange): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${origin}${exchange.path}`, { method: exchange.method ?? 'POST', headers: exchange.headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(normalise(response.statusCode ?? 0, response.headers, text)));
    });
    outgoing.on('error', reject);
    outgoing.end(exchange.body);
  });
}

async function throughFastify(exchange: Exchange): Promise<Answer> {
  const response = await app.inject({
    method: (exchange.method ?? 'POST') as 'POST',
    url: exchange.path,
    headers: exchange.headers ?? {},
    ...(exchange.body === undefined ? {} : { payload: exchange.body }),
  });
  return normalise(response.statusCode, response.headers, response.body);
}

async function expectAlike(exchange: Exchange): Promise<Answer> {
  const direct = await overSocket(exchange);
  const viaFastify = await throughFastify(exchange);
  expect(direct).toEqual(viaFastify);
  expect(direct.headers['x-fixed']).toBe('yes');
  return direct;
}

const json = () => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'demo/echo', messages: [{ role: 'user', content: 'hello there' }], ...extra });

describe('inference routes served before Fastify', () => {
  it('answers a chat completion as Fastify does, headers included', async () => {
    const answer = await expectAlike({ path: '/v1/chat/completions', headers: json(), body: chatBody() });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-switchyard-model']).toBeDefined();
    expect(JSON.parse(answer.body).object).toBe('chat.completion');
  });

  it('takes a trailing slash, a query and a charset, as Fastify does', async () => {
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json; charset=utf-8' };
    const answer = await expectAlike({ path: '/v1/chat/completions/?from=test', headers, body: chatBody() });
    expect(answer.status).toBe(200);
  });

  it('answers Messages and Responses requests as Fastify does', async () => {
    const messages = await expectAlike({
      path: '/v1/messages',
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'demo/echo', max_tokens: 32, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(messages.status).toBe(200);
    expect(JSON.parse(messages.body).type).toBe('message');
    const responses = await expectAlike({ path: '/v1/responses', headers: json(), body: JSON.stringify({ model: 'demo/echo', input: 'hi', store: false }) });
    expect(responses.status).toBe(200);
    expect(JSON.parse(responses.body).object).toBe('response');
  });

  it('streams the same events', async () => {
    const answer = await expectAlike({ path: '/v1/chat/completions', headers: json(), body: chatBody({ stream: true }) });
    expect(answer.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(answer.body).toContain('data: [DONE]');
  });

  it('refuses bad bodies with the same envelopes', async () => {
    const cases: Array<[Exchange, number, string]> = [
      [{ path: '/v1/chat/completions', headers: json(), body: '{"model":' }, 400, 'invalid_request'],
      [{ path: '/v1/chat/completions', headers: json(), body: '' }, 400, 'invalid_request'],
      [{ path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}` } }, 400, 'invalid_request'],
      [{ path: '/v1/chat/completions', headers: json(), body: chatBody({ padding: 'x'.repeat(BODY_LIMIT) }) }, 413, 'request_too_large'],
      [{ path: '/v1/chat/completions', headers: json(), body: chatBody({ temperature: 'hot' }) }, 400, 'invalid_request'],
      [{ path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: chatBody() }, 401, 'invalid_api_key'],
      [{ path: '/v1/chat/completions', headers: json(), body: chatBody({ model: 'no-such/model' }) }, 404, 'model_not_found'],
      [{ path: '/v1/messages', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: '[1' }, 400, 'invalid_request_error'],
    ];
    for (const [exchange, status, code] of cases) {
      const answer = await expectAlike(exchange);
      expect(answer.status, exchange.body).toBe(status);
      const error = JSON.parse(answer.body).error;
      expect(error.code ?? error.type, exchange.body).toBe(code);
    }
  });

  it('leaves other forms of the same paths to Fastify, which answers them as before', async () => {
    const form = await overSocket({ path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: chatBody() });
    expect(form.status).toBe(200);
    const get = await expectAlike({ method: 'GET', path: '/v1/chat/completions', headers: json() });
    expect(get.status).toBe(404);
  });

  it('counts every answer once in the metrics', async () => {
    const before = answered;
    await overSocket({ path: '/v1/chat/completions', headers: json(), body: chatBody() });
    await overSocket({ path: '/v1/chat/completions', headers: json(), body: '{' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered - before).toBe(2);
  });

  it('refuses new requests once shutdown began', async () => {
    shuttingDown = true;
    try {
      const answer = await expectAlike({ path: '/v1/chat/completions', headers: json(), body: chatBody() });
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body).error.code).toBe('shutting_down');
    } finally {
      shuttingDown = false;
    }
  });
});

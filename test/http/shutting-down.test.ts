import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../src/http/create-http-server.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

// The real gateway's services, served by a second Fastify instance whose process is shutting down.
let harness: TestGateway;
let app: FastifyInstance;
let key: string;
let shuttingDown = false;

beforeAll(async () => {
  harness = await startTestGateway();
  ({ key } = await harness.createKey({ credit: '10' }));
  app = createHttpServer({ ...harness.gateway.services, isShuttingDown: () => shuttingDown });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await harness.close();
});

function chat() {
  return app.inject({
    method: 'POST',
    url: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: { model: 'demo/echo', messages: [{ role: 'user', content: 'hello' }] },
  });
}

describe('a request that arrives while the process shuts down', () => {
  it('is answered normally before shutdown begins', async () => {
    shuttingDown = false;
    const response = await chat();
    expect(response.statusCode).toBe(200);
    expect(response.json().choices[0].message.content).toContain('hello');
  });

  it('is refused with 503 shutting_down in the error envelope, with its request id', async () => {
    shuttingDown = true;
    const response = await chat();
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toMatchObject({ code: 'shutting_down', type: 'service_unavailable' });
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
    expect(String(response.headers['x-request-id']).length).toBeGreaterThan(0);
  });

  it('leaves routes outside /v1 to answer for themselves: alive, but not ready', async () => {
    shuttingDown = true;
    const alive = await app.inject({ method: 'GET', url: '/healthz' });
    expect(alive.statusCode).toBe(200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'shutting_down' });
  });
});

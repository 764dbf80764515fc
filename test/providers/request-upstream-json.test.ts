/**
 * `requestUpstreamJson` reads an answer whole from undici's dispatcher: what a whole answer is,
 * and how each way of ending short maps to a `GatewayError`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeUpstreamPools, requestUpstreamJson, type UpstreamRequest } from '../../src/providers/http/index.js';
import { gatewayErrorOf } from '../support/gateway-error-of.js';

type Route = (request: IncomingMessage, response: ServerResponse) => void;

const routes = new Map<string, Route>();
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => routes.get(request.url ?? '')?.(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await closeUpstreamPools();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function upstreamRequest(path: string, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return {
    url: origin + path,
    headers: { 'content-type': 'application/json' },
    body: '{"model":"m"}',
    signal: new AbortController().signal,
    timeoutMs: 600_000,
    secrets: ['sk-secret-upstream-key'],
    ...overrides,
  };
}

describe('requestUpstreamJson', () => {
  it('parses an answer that arrives in many chunks', async () => {
    const value = { choices: [{ text: 'é'.repeat(40_000) }], n: 7 };
    const text = JSON.stringify(value);
    routes.set('/chunked', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Split inside a two-byte character too: the body is decoded once, whole.
      const bytes = Buffer.from(text, 'utf8');
      for (let offset = 0; offset < bytes.length; offset += 999) response.write(bytes.subarray(offset, offset + 999));
      response.end();
    });
    expect(await requestUpstreamJson(upstreamRequest('/chunked'))).toEqual(value);
  });

  it('reads past a byte order mark, as undici does', async () => {
    routes.set('/bom', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":true}')]));
    });
    expect(await requestUpstreamJson(upstreamRequest('/bom'))).toEqual({ ok: true });
  });

  it('waits past an informational answer for the real one', async () => {
    routes.set('/early-hints', (_request, response) => {
      response.writeEarlyHints({ link: '</style.css>; rel=preload' });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"after":"hints"}');
    });
    expect(await requestUpstreamJson(upstreamRequest('/early-hints'))).toEqual({ after: 'hints' });
  });

  it('maps an error status with its body, and stops reading a long one', async () => {
    let closedEarly = false;
    routes.set('/long-error', (_request, response) => {
      response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      response.write(JSON.stringify({ error: { message: 'slow down sk-secret-upstream-key', type: 'rate_limit' } }));
      // Then far more than is kept, never ended: only cutting the exchange ends the wait.
      const filler = Buffer.alloc(16 * 1024, 0x20);
      const timer = setInterval(() => response.write(filler), 5);
      response.on('close', () => {
        clearInterval(timer);
        closedEarly = !response.writableEnded;
      });
    });
    const error = await gatewayErrorOf(requestUpstreamJson(upstreamRequest('/long-error')));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/rate limit reached \(HTTP 429\)/);
    expect(error.message).toContain('slow down');
    expect(error.retryElsewhere).toBe(true);
    expect(error.message).not.toContain('sk-secret-upstream-key');
    await expect.poll(() => closedEarly).toBe(true);
  });

  it('refuses an answer that is not JSON', async () => {
    routes.set('/html', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>gateway page</html>');
    });
    const error = await gatewayErrorOf(requestUpstreamJson(upstreamRequest('/html')));
    expect(error.code).toBe('upstream_error');
    expect(error.message).toMatch(/not JSON/);
  });

  it('maps a connection cut in the middle of the body', async () => {
    routes.set('/cut', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const error = await gatewayErrorOf(requestUpstreamJson(upstreamRequest('/cut')));
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
  });

  it('ends with the caller, whether it leaves before the answer or during it', async () => {
    routes.set('/slow', (_request, response) => {
      setTimeout(() => {
        if (!response.destroyed) response.end('{"late":true}');
      }, 2_000);
    });
    const leaving = new AbortController();
    const pending = requestUpstreamJson(upstreamRequest('/slow', { signal: leaving.signal }));
    setTimeout(() => leaving.abort(), 20);
    const startedAt = Date.now();
    const cancelled = await gatewayErrorOf(pending);
    expect(cancelled.message).toMatch(/cancelled/);
    expect(cancelled.retryElsewhere).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(1_000);

    const gone = new AbortController();
    gone.abort();
    expect((await gatewayErrorOf(requestUpstreamJson(upstreamRequest('/slow', { signal: gone.signal })))).message).toMatch(/cancelled/);
  });

  it('gives up at the total deadline with upstream_timeout', async () => {
    routes.set('/hang', () => {});
    const startedAt = Date.now();
    const error = await gatewayErrorOf(requestUpstreamJson(upstreamRequest('/hang', { timeouts: { totalMs: 150 } })));
    expect(error.code).toBe('upstream_timeout');
    expect(error.status).toBe(504);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('refuses a base URL that is not http(s) without sending anything', async () => {
    const error = await gatewayErrorOf(requestUpstreamJson(upstreamRequest('', { url: 'ftp://example.invalid/v1' })));
    expect(error.code).toBe('internal_error');
    expect(error.retryElsewhere).toBe(true);
  });
});

/**
 * The upstream connection pool: a connection per request at once, the one freed last reused
 * first, busy ones never handed out, and closing and destroying as undici's dispatchers do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdleFirstPool } from '../../src/providers/http/idle-first-pool.js';

interface TestServer {
  origin: string;
  /** Connections accepted so far. */
  connections: () => number;
  /** Each request's connection, by the order of the requests: a number per connection. */
  connectionOfRequests: number[];
  /** Answers every request held so far (`/hold` requests wait for this), or only the one on this connection. */
  releaseHeld: (connection?: number) => void;
  heldCount: () => number;
  close: () => Promise<void>;
}

async function startServer(): Promise<TestServer> {
  let accepted = 0;
  const ids = new WeakMap<object, number>();
  const connectionOfRequests: number[] = [];
  let held: Array<{ connection: number; response: http.ServerResponse }> = [];
  const server = http.createServer((request, response) => {
    const connection = ids.get(request.socket)!;
    connectionOfRequests.push(connection);
    request.resume();
    request.on('end', () => {
      if (request.url === '/hold') held.push({ connection, response });
      else response.end('ok');
    });
  });
  server.on('connection', (socket) => {
    accepted += 1;
    ids.set(socket, accepted);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    connectionOfRequests,
    releaseHeld: (connection) => {
      for (const entry of held) if (connection === undefined || entry.connection === connection) entry.response.end('released');
      held = held.filter((entry) => connection !== undefined && entry.connection !== connection);
    },
    heldCount: () => held.length,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function get(pool: IdleFirstPool, path: string): Promise<string> {
  const response = await pool.request({ path, method: 'GET' });
  return response.body.text();
}

/**
 * As `get`, then one turn of the event loop: undici frees a connection just after its answer's
 * body ends, so a request sent in the same turn finds it still busy (undici's `Pool` too).
 */
async function getThenTurn(pool: IdleFirstPool, path: string): Promise<string> {
  const text = await get(pool, path);
  await new Promise((resolve) => setImmediate(resolve));
  return text;
}

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500 && !condition(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('IdleFirstPool', () => {
  let server: TestServer;
  let pool: IdleFirstPool;

  beforeEach(async () => {
    server = await startServer();
    pool = new IdleFirstPool(server.origin, { pipelining: 1, keepAliveTimeout: 10_000 });
  });

  afterEach(async () => {
    await pool.destroy();
    await server.close();
  });

  it('keeps one connection for requests one after another', async () => {
    for (let index = 0; index < 20; index += 1) expect(await getThenTurn(pool, '/')).toBe('ok');
    expect(server.connections()).toBe(1);
    expect(pool.size).toBe(1);
  });

  it('opens a connection per request at once, and reuses them all afterwards', async () => {
    const first = await Promise.all(Array.from({ length: 12 }, () => getThenTurn(pool, '/')));
    expect(first).toEqual(Array(12).fill('ok'));
    expect(server.connections()).toBe(12);
    const second = await Promise.all(Array.from({ length: 12 }, () => get(pool, '/')));
    expect(second).toEqual(Array(12).fill('ok'));
    expect(server.connections()).toBe(12);
  });

  it('never hands a busy connection to a new request, and reuses the one freed last', async () => {
    const holding = Array.from({ length: 50 }, () => get(pool, '/hold'));
    await until(() => server.heldCount() === 50);
    expect(server.connections()).toBe(50);
    // With every connection busy a new request gets its own connection, and answers at once.
    expect(await getThenTurn(pool, '/')).toBe('ok');
    expect(server.connections()).toBe(51);
    // That connection, freed last, takes the next requests.
    expect(await getThenTurn(pool, '/')).toBe('ok');
    expect(await getThenTurn(pool, '/')).toBe('ok');
    expect(server.connections()).toBe(51);
    expect(server.connectionOfRequests.slice(-3)).toEqual([51, 51, 51]);
    server.releaseHeld();
    expect(await Promise.all(holding)).toEqual(Array(50).fill('released'));
  });

  it('hands out the connection freed last', async () => {
    const holding = Array.from({ length: 3 }, () => get(pool, '/hold'));
    await until(() => server.heldCount() === 3);
    // Freed in the order 2, 1, 3, each fully before the next.
    for (const connection of [2, 1, 3]) {
      const before = server.heldCount();
      server.releaseHeld(connection);
      await until(() => server.heldCount() === before - 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await Promise.all(holding)).toEqual(Array(3).fill('released'));
    // The next request goes to connection 3; with 3 busy, the one after to connection 1.
    const hold = get(pool, '/hold');
    await until(() => server.heldCount() === 1);
    expect(await get(pool, '/')).toBe('ok');
    expect(server.connectionOfRequests.slice(-2)).toEqual([3, 1]);
    server.releaseHeld();
    expect(await hold).toBe('released');
    expect(server.connections()).toBe(3);
  });

  it('finishes requests in flight on close, then refuses new ones', async () => {
    const holding = get(pool, '/hold');
    await until(() => server.heldCount() === 1);
    const closing = pool.close();
    expect(pool.closed).toBe(true);
    await expect(get(pool, '/')).rejects.toMatchObject({ name: 'ClientClosedError' });
    server.releaseHeld();
    expect(await holding).toBe('released');
    await closing;
  });

  it('aborts requests in flight on destroy', async () => {
    const holding = get(pool, '/hold');
    await until(() => server.heldCount() === 1);
    await pool.destroy();
    expect(pool.destroyed).toBe(true);
    await expect(holding).rejects.toMatchObject({ name: 'ClientDestroyedError' });
    await expect(get(pool, '/')).rejects.toMatchObject({ name: 'ClientDestroyedError' });
  });

  it('reports a refused connection and stays usable', async () => {
    const refused = await startServer();
    const origin = refused.origin;
    await refused.close();
    const unreachable = new IdleFirstPool(origin, { pipelining: 1 });
    try {
      await expect(get(unreachable, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(get(unreachable, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      expect(unreachable.size).toBe(1);
    } finally {
      await unreachable.destroy();
    }
  });
});

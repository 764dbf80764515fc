import { spawn, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript without declarations
import { createMockOpenAIUpstream } from '../../bench/lib/mock-openai-upstream.js';
import { repositoryRoot } from './bench-module.js';

// The floor proxy with FLOOR_HOLD_HEAD=1 holds a stream's head until its first content, as
// Switchyard does, so that the first-token bench can tell what that costs by itself. The mock's
// events come 200 ms apart here: far longer than any proxy takes to pass one on.

const PACED_MODEL = 'bench-paced-200x2';
const FIRST_CONTENT = /"delta":\{"content":"[^"]/;

interface StartedChild {
  child: ChildProcess;
  origin: string;
}

/** Starts `bench/floor-proxy.js` as the bench does: it reports its port over IPC once it listens. */
function startFloor(upstreamOrigin: string, holdHead: boolean): Promise<StartedChild> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'bench', 'floor-proxy.js')], {
    env: { ...process.env, UPSTREAM_ORIGIN: upstreamOrigin, FLOOR_HOLD_HEAD: holdHead ? '1' : '' },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the floor proxy exited early (${code})`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type === 'ready') resolve({ child, origin: `http://127.0.0.1:${message.port}` });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('the floor proxy and a stream head', () => {
  let mock: Server;
  const floors: Record<'plain' | 'held', StartedChild | null> = { plain: null, held: null };

  beforeAll(async () => {
    mock = createMockOpenAIUpstream();
    await new Promise<void>((resolve) => mock.listen(0, '127.0.0.1', resolve));
    const upstreamOrigin = `http://127.0.0.1:${(mock.address() as AddressInfo).port}`;
    [floors.plain, floors.held] = await Promise.all([startFloor(upstreamOrigin, false), startFloor(upstreamOrigin, true)]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all(Object.values(floors).map((started) => (started ? stop(started.child) : undefined)));
    await new Promise((resolve) => mock.close(resolve));
  });

  /** Time to the head, the first body chunk read, and the whole body. */
  const stream = async (floor: StartedChild) => {
    const sentAt = performance.now();
    const response = await request(`${floor.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: PACED_MODEL, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const headMs = performance.now() - sentAt;
    const chunks: string[] = [];
    for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array).toString('utf8'));
    return { status: response.statusCode, contentType: response.headers['content-type'], headMs, firstChunk: chunks[0] ?? '', body: chunks.join('') };
  };

  it('sends the head and the first event at once by default, the content after the pause', { timeout: 10_000 }, async () => {
    const answer = await stream(floors.plain!);
    expect(answer.status).toBe(200);
    expect(answer.firstChunk).toMatch(/"role":"assistant"/);
    expect(answer.firstChunk).not.toMatch(FIRST_CONTENT);
    expect(answer.body).toMatch(FIRST_CONTENT);
    expect(answer.body).toMatch(/data: \[DONE\]/);
  });

  it('holds the head and the first event until the first content, then sends them in one write', { timeout: 10_000 }, async () => {
    const answer = await stream(floors.held!);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/event-stream/);
    // The mock's first content comes 200 ms after the request; its timer may fire a little short.
    expect(answer.headMs).toBeGreaterThanOrEqual(190);
    expect(answer.firstChunk).toMatch(/"role":"assistant"/);
    expect(answer.firstChunk).toMatch(FIRST_CONTENT);
    expect(answer.body).toMatch(/data: \[DONE\]/);
  });

  it('passes a whole answer through unchanged either way', { timeout: 10_000 }, async () => {
    for (const floor of [floors.plain!, floors.held!]) {
      const response = await request(`${floor.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(response.statusCode).toBe(200);
      const answer = (await response.body.json()) as { object: string };
      expect(answer.object).toBe('chat.completion');
    }
  });
});

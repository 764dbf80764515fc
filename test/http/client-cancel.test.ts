import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CancelSignal } from '../../src/core/index.js';
import { ClientCancelSignal, cancelWhenClientLeaves } from '../../src/http/client-cancel.js';

// Callers may still pass a real AbortSignal wherever a CancelSignal is taken.
const realSignalFits: CancelSignal = new AbortController().signal;
void realSignalFits;

describe('ClientCancelSignal', () => {
  it('sets aborted and an AbortError reason before its listeners run, and calls each once', () => {
    const signal = new ClientCancelSignal();
    const seen: Array<{ aborted: boolean; reason: unknown }> = [];
    signal.addEventListener('abort', () => seen.push({ aborted: signal.aborted, reason: signal.reason }), { once: true });
    expect(signal.aborted).toBe(false);
    expect(signal.reason).toBeUndefined();

    signal.abort();
    signal.abort(new Error('later'));

    expect(seen).toHaveLength(1);
    expect(seen[0]!.aborted).toBe(true);
    expect(seen[0]!.reason).toBeInstanceOf(DOMException);
    expect((seen[0]!.reason as DOMException).name).toBe('AbortError');
    expect(signal.reason).toBe(seen[0]!.reason);
  });

  it('keeps the reason it was given', () => {
    const signal = new ClientCancelSignal();
    const reason = new Error('gone');
    signal.abort(reason);
    expect(signal.reason).toBe(reason);
  });

  it('calls listeners in the order they were added, once each, a listener added twice once', () => {
    const signal = new ClientCancelSignal();
    const calls: string[] = [];
    const first = (): void => void calls.push('first');
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', () => calls.push('second'), { once: true });
    signal.addEventListener('abort', first);
    signal.addEventListener('abort', () => calls.push('third'));
    signal.abort();
    signal.abort();
    expect(calls).toEqual(['first', 'second', 'third']);
  });

  it('does not call a removed listener', () => {
    const signal = new ClientCancelSignal();
    const calls: string[] = [];
    const only = (): void => void calls.push('only');
    signal.addEventListener('abort', only);
    signal.removeEventListener('abort', only);

    const kept = (): void => void calls.push('kept');
    const removed = (): void => void calls.push('removed');
    signal.addEventListener('abort', kept);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.abort();
    expect(calls).toEqual(['kept']);
  });

  it('does not call a listener removed by an earlier one while the abort is dispatched', () => {
    const signal = new ClientCancelSignal();
    const calls: string[] = [];
    const later = (): void => void calls.push('later');
    signal.addEventListener('abort', () => {
      calls.push('earlier');
      signal.removeEventListener('abort', later);
    });
    signal.addEventListener('abort', later);
    signal.abort();
    expect(calls).toEqual(['earlier']);
  });

  it('never calls a listener added after the abort', () => {
    const signal = new ClientCancelSignal();
    signal.abort();
    let called = false;
    signal.addEventListener('abort', () => {
      called = true;
    });
    signal.abort();
    expect(called).toBe(false);
  });
});

describe('cancelWhenClientLeaves', () => {
  let app: FastifyInstance;
  let origin: string;
  const signals: CancelSignal[] = [];
  let releaseHeldAnswer: () => void = () => {};

  beforeAll(async () => {
    app = Fastify();
    app.get('/answer', async (_request, reply) => {
      signals.push(cancelWhenClientLeaves(reply));
      return { ok: true };
    });
    app.get('/held', async (_request, reply) => {
      const signal = cancelWhenClientLeaves(reply);
      signals.push(signal);
      await new Promise<void>((resolve) => {
        releaseHeldAnswer = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return { ok: true };
    });
    origin = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
  });

  it('aborts once when the client hangs up before the response finished', async () => {
    signals.length = 0;
    const sent = httpRequest(`${origin}/held`);
    sent.on('error', () => {});
    sent.end();
    await expect.poll(() => signals.length).toBe(1);
    const signal = signals[0]!;
    let calls = 0;
    signal.addEventListener('abort', () => calls++, { once: true });
    expect(signal.aborted).toBe(false);

    sent.destroy();
    await expect.poll(() => signal.aborted).toBe(true);
    expect(calls).toBe(1);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('does not abort once the response has finished and the connection closes', async () => {
    signals.length = 0;
    let calls = 0;
    const body = await new Promise<string>((resolve, reject) => {
      const sent = httpRequest(`${origin}/answer`, { agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(text));
      });
      sent.on('error', reject);
      sent.end();
    });
    expect(JSON.parse(body)).toEqual({ ok: true });
    const signal = signals[0]!;
    signal.addEventListener('abort', () => calls++);
    // The connection is not kept alive: the response's close has come and gone.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal.aborted).toBe(false);
    expect(calls).toBe(0);
  });

  it('does not abort when a held answer is released and sent', async () => {
    signals.length = 0;
    const answered = new Promise<number>((resolve, reject) => {
      const sent = httpRequest(`${origin}/held`, { agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      sent.on('error', reject);
      sent.end();
    });
    await expect.poll(() => signals.length).toBe(1);
    releaseHeldAnswer();
    expect(await answered).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signals[0]!.aborted).toBe(false);
  });
});

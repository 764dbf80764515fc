import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/index.js';
import { attemptWithFailover } from '../../src/pipeline/attempt-with-failover.js';
import { AttemptLog } from '../../src/pipeline/attempt-log.js';
import { ChannelHealth } from '../../src/routing/channel-health.js';
import { classifyFailure } from '../../src/routing/classify-failure.js';
import type { RouteAttempt } from '../../src/routing/route-planner.js';
import { mapUpstreamHttpError, mapUpstreamTransportError } from '../../src/providers/http/index.js';
import { manualClock, testChannel } from './routing-fixtures.js';

function route(channelName: string, modelId = 'gpt-4o'): RouteAttempt {
  const channel = testChannel({ name: channelName, provider: 'openai', models: [modelId] });
  return {
    channel,
    modelId,
    target: { channelId: channel.id, channelName: channel.name, provider: 'openai', baseUrl: channel.baseUrl, apiKey: channel.apiKey, headers: {}, upstreamModel: modelId, timeoutMs: 1000 },
  };
}

const http = (status: number, headers: Record<string, string> = {}, body = '{"error":{"message":"failed"}}') =>
  mapUpstreamHttpError({ status, headers, bodyText: body, secrets: [] });
const refused = () =>
  mapUpstreamTransportError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), { timedOut: false, callerAborted: false, secrets: [] });

/** Runs each channel's scripted answer: an error to throw, or a value to return. */
function script(answers: Record<string, unknown>) {
  const calls: string[] = [];
  const run = async (attempt: RouteAttempt) => {
    calls.push(`${attempt.channel.name}:${attempt.modelId}`);
    const answer = answers[attempt.channel.name];
    if (answer instanceof Error) throw answer;
    return answer ?? 'ok';
  };
  return { calls, run };
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const breaker = { failures: 2, cooldownMs: 10_000, maxCooldownMs: 60_000 };
const never = new AbortController().signal;

describe('attemptWithFailover', () => {
  it.each([
    ['connection refused', refused()],
    ['429', http(429)],
    ['500', http(500)],
    ['502', http(502)],
    ['503', http(503)],
    ['504', http(504)],
    ['529 overloaded', http(529, {}, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}')],
    ['timeout', mapUpstreamTransportError(new Error('t'), { timedOut: true, callerAborted: false, secrets: [] })],
  ])('fails over after %s and counts both attempts', async (_name, error) => {
    const { calls, run } = script({ first: error, second: 'answer' });
    const result = await attemptWithFailover([route('first'), route('second')], never, run);
    expect(result).toMatchObject({ value: 'answer', attempts: 2 });
    expect(result.attempt.channel.name).toBe('second');
    expect(calls).toEqual(['first:gpt-4o', 'second:gpt-4o']);
  });

  it('answers a request error at once, without trying another channel', async () => {
    const { calls, run } = script({ first: http(400, {}, '{"error":{"message":"bad messages","param":"messages"}}') });
    const error = await rejection(attemptWithFailover([route('first'), route('second')], never, run));
    expect(error.code).toBe('invalid_request');
    expect(error.details.attempts).toBe(1);
    expect(calls).toEqual(['first:gpt-4o']);
  });

  it('stops at the configured number of attempts and names the last upstream status', async () => {
    const { calls, run } = script({ a: http(500), b: http(503), c: http(502), d: 'never' });
    const error = await rejection(attemptWithFailover([route('a'), route('b'), route('c'), route('d')], never, run, undefined, { maxAttempts: 3 }));
    expect(calls).toHaveLength(3);
    expect(error).toMatchObject({ code: 'upstream_error', status: 502 });
    expect(error.details.attempts).toBe(3);
    expect(error.message).toContain('HTTP 502');
  });

  it('does not try a channel again for a fallback model once it was found unreachable', async () => {
    const { calls, run } = script({ down: refused(), up: http(503) });
    await rejection(attemptWithFailover([route('down', 'gpt-4o'), route('up', 'gpt-4o'), route('down', 'gpt-4o-mini'), route('up', 'gpt-4o-mini')], never, run));
    expect(calls).toEqual(['down:gpt-4o', 'up:gpt-4o', 'up:gpt-4o-mini']);
  });

  it('disables a channel whose credential is refused, and fails over past it', async () => {
    const health = new ChannelHealth({ breaker, now: manualClock().now });
    const { calls, run } = script({ revoked: http(401), good: 'answer' });
    const result = await attemptWithFailover([route('revoked'), route('good')], never, run, undefined, { health });
    expect(result.value).toBe('answer');
    expect(health.disablement('revoked')).toMatchObject({ by: 'credential' });
    const again = script({ good: 'answer' });
    await attemptWithFailover([route('revoked'), route('good')], never, again.run, undefined, { health });
    expect(again.calls).toEqual(['good:gpt-4o']);
    expect(calls).toEqual(['revoked:gpt-4o', 'good:gpt-4o']);
  });

  it('sends nothing to a channel whose breaker is open, and one probe once it is half-open', async () => {
    const time = manualClock();
    const health = new ChannelHealth({ breaker, now: time.now });
    const failing = script({ dead: http(503), live: 'answer' });
    for (let index = 0; index < 2; index++) await attemptWithFailover([route('dead'), route('live')], never, failing.run, undefined, { health });
    expect(failing.calls.filter((call) => call.startsWith('dead'))).toHaveLength(2);

    const during = script({ dead: 'revived', live: 'answer' });
    for (let index = 0; index < 5; index++) {
      const result = await attemptWithFailover([route('dead'), route('live')], never, during.run, undefined, { health });
      expect(result.attempts).toBe(1);
    }
    expect(during.calls.every((call) => call.startsWith('live'))).toBe(true);

    time.state.now += 10_000;
    const after = script({ dead: 'revived' });
    const probed = await attemptWithFailover([route('dead'), route('live')], never, after.run, undefined, { health });
    expect(probed.value).toBe('revived');
    expect(health.snapshot('dead').breaker).toBe('closed');
  });

  it('answers 503 when every route is refused by its breaker at attempt time', async () => {
    const time = manualClock();
    const health = new ChannelHealth({ breaker, now: time.now });
    health.recordFailure('only', classifyFailure(http(500), false), 1, 'normal');
    health.recordFailure('only', classifyFailure(http(500), false), 1, 'normal');
    const { calls, run } = script({});
    const error = await rejection(attemptWithFailover([route('only')], never, run, undefined, { health }));
    expect(error.code).toBe('no_available_channel');
    expect(calls).toEqual([]);
  });

  it('records latency of each attempt against the channel', async () => {
    const time = manualClock();
    const health = new ChannelHealth({ breaker, now: time.now });
    const run = async () => {
      time.state.now += 250;
      return 'answer';
    };
    await attemptWithFailover([route('a')], never, run, undefined, { health, now: time.now });
    expect(health.latencyScore('a')).toBe(250);
  });

  it('stops when the client leaves, and logs the attempt as cancelled, not failed', async () => {
    const controller = new AbortController();
    const log = new AttemptLog(() => 0);
    const run = async () => {
      controller.abort();
      throw http(503);
    };
    const error = await rejection(attemptWithFailover([route('a'), route('b')], controller.signal, log.run(run), log.onFailure));
    expect(error.details.attempts).toBe(1);
    expect(log.records.map((record) => record.status)).toEqual(['cancelled']);
  });

  it('passes each failure and its classification to the listener', async () => {
    const seen: string[] = [];
    const { run } = script({ a: http(429, { 'retry-after': '3' }), b: 'ok' });
    await attemptWithFailover([route('a'), route('b')], never, run, (attempt, _error, outcome) => seen.push(`${attempt.channel.name}:${outcome?.kind}:${outcome?.retryAfterMs}`));
    expect(seen).toEqual(['a:rate_limited:3000']);
  });
});

describe('AttemptLog', () => {
  it('times each attempt from its own start and exposes the start of the one in progress', async () => {
    let now = 100;
    const log = new AttemptLog(() => now);
    const run = log.run(async (attempt: RouteAttempt) => {
      now += 50;
      if (attempt.channel.name === 'a') throw http(503);
      return 'ok';
    });
    await attemptWithFailover([route('a'), route('b')], never, run, log.onFailure);
    expect(log.currentAttemptStartedAt).toBe(150);
    log.finish('success');
    expect(log.currentAttemptStartedAt).toBeNull();
    expect(log.records.map((record) => [record.channel, record.status, record.latencyMs, record.upstreamStatus])).toEqual([
      ['a', 'error', 50, 503],
      ['b', 'success', 50, null],
    ]);
  });
});

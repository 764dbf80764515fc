import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/index.js';
import { cancelledError, mapUpstreamHttpError, mapUpstreamTransportError } from '../../src/providers/http/index.js';
import { classifyFailure } from '../../src/routing/classify-failure.js';

function http(status: number, body: unknown = { error: { message: 'failed', type: 'server_error' } }, headers: Record<string, string> = {}) {
  return mapUpstreamHttpError({ status, headers, bodyText: typeof body === 'string' ? body : JSON.stringify(body), secrets: ['sk-secret-value'] });
}

describe('classifyFailure', () => {
  it.each([500, 502, 503, 504])('fails over on HTTP %i and blames the channel', (status) => {
    const outcome = classifyFailure(http(status), false);
    expect(outcome).toMatchObject({ kind: 'unavailable', retryElsewhere: true, channelFault: true, disableReason: null });
  });

  it('treats 529 and an "overloaded" answer as overloaded, retryable elsewhere', () => {
    expect(classifyFailure(http(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }), false)).toMatchObject({
      kind: 'overloaded',
      retryElsewhere: true,
      channelFault: true,
    });
    expect(classifyFailure(http(400, { error: { message: 'The model is overloaded, try later' } }), false)).toMatchObject({
      kind: 'overloaded',
      retryElsewhere: true,
    });
  });

  it('fails over on 429 and carries retry-after as a cooldown', () => {
    expect(classifyFailure(http(429, { error: { message: 'slow down' } }, { 'retry-after': '7' }), false)).toMatchObject({
      kind: 'rate_limited',
      retryElsewhere: true,
      channelFault: true,
      retryAfterMs: 7_000,
    });
    expect(classifyFailure(http(429), false).retryAfterMs).toBeNull();
  });

  it('fails over on connection refused or reset, and marks the channel down for the rest of the request', () => {
    const refused = mapUpstreamTransportError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
      timedOut: false,
      callerAborted: false,
      secrets: [],
    });
    expect(classifyFailure(refused, false)).toMatchObject({ kind: 'unreachable', retryElsewhere: true, channelFault: true, channelDown: true });
  });

  it('fails over on a timeout before the first byte without marking the channel down', () => {
    const timeout = mapUpstreamTransportError(new Error('x'), { timedOut: true, callerAborted: false, secrets: [] });
    expect(classifyFailure(timeout, false)).toMatchObject({ kind: 'timeout', retryElsewhere: true, channelFault: true, channelDown: false });
  });

  it('answers a 400 of the request itself at once, without blaming the channel', () => {
    const outcome = classifyFailure(http(400, { error: { message: "'messages' must not be empty", param: 'messages' } }), false);
    expect(outcome).toMatchObject({ kind: 'client', retryElsewhere: false, channelFault: false });
    expect(classifyFailure(http(422), false).retryElsewhere).toBe(false);
  });

  it('disables the channel on 401, on 402, and on the invalid-key signature (Gemini answers it with 400)', () => {
    expect(classifyFailure(http(401, { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } }), false)).toMatchObject({
      kind: 'credential',
      retryElsewhere: true,
      channelDown: true,
    });
    expect(classifyFailure(http(401), false).disableReason).toContain('401');
    expect(classifyFailure(http(402), false).disableReason).toContain('402');
    const gemini = http(400, { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', status: 'INVALID_ARGUMENT' } });
    expect(classifyFailure(gemini, false)).toMatchObject({ kind: 'credential', retryElsewhere: true });
  });

  it('does not disable on a 403 without the invalid-key signature, but still fails over', () => {
    const outcome = classifyFailure(http(403, { error: { message: 'This model is not available in your region' } }), false);
    expect(outcome).toMatchObject({ kind: 'forbidden', retryElsewhere: true, channelFault: false, disableReason: null });
    const signed = new GatewayError('upstream_error', 'Upstream said: invalid x-api-key', { upstreamStatus: 403, retryElsewhere: true });
    expect(classifyFailure(signed, false).kind).toBe('credential');
  });

  it('fails over when the channel does not serve the model, without tripping its breaker', () => {
    const outcome = classifyFailure(http(404, { error: { message: 'The model `x` does not exist', code: 'model_not_found' } }), false);
    expect(outcome).toMatchObject({ kind: 'model_unavailable', retryElsewhere: true, channelFault: false });
  });

  it('stops when the caller went away, whatever the error', () => {
    expect(classifyFailure(http(503), true)).toMatchObject({ kind: 'cancelled', retryElsewhere: false, channelFault: false });
    expect(classifyFailure(cancelledError(), true).kind).toBe('cancelled');
  });

  it('treats an unexpected exception as a retryable channel fault, and other gateway errors by their catalogue entry', () => {
    expect(classifyFailure(new TypeError('boom'), false)).toMatchObject({ kind: 'other', retryElsewhere: true, channelFault: true });
    expect(classifyFailure(new GatewayError('internal_error', 'x'), false)).toMatchObject({ retryElsewhere: false, channelFault: false });
  });
});

import { describe, expect, it } from 'vitest';
import { extractUpstreamError } from '../../src/providers/http/extract-upstream-error.js';
import { mapUpstreamHttpError, parseRetryAfter } from '../../src/providers/http/map-upstream-http-error.js';
import { scrubSecrets, secretsOfTarget } from '../../src/providers/http/scrub-secrets.js';
import { readOpenAIFixture } from '../support/mock-openai-upstream.js';

const secret = 'sk-test-mock-secret-key-0123456789';
const map = (status: number, bodyText: string, headers: Record<string, string> = {}) =>
  mapUpstreamHttpError({ status, headers, bodyText, secrets: [secret] });

describe('mapUpstreamHttpError', () => {
  it('passes a 400 on as invalid_request with the upstream message and param', () => {
    const error = map(400, readOpenAIFixture('error-400-invalid.json'));
    expect(error.code).toBe('invalid_request');
    expect(error.retryElsewhere).toBe(false);
    expect(error.message).toBe("Invalid value for 'temperature': expected a number between 0 and 2, got 7.");
    expect(error.details).toMatchObject({ upstreamStatus: 400, param: 'temperature' });
  });

  it('treats 422 as the client request being invalid', () => {
    const body = JSON.stringify({
      object: 'error',
      message: { detail: [{ type: 'extra_forbidden', loc: ['body', 'foo'], msg: 'Extra inputs are not permitted' }] },
      type: 'invalid_request_error',
    });
    const error = map(422, body);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe('body.foo: Extra inputs are not permitted');
  });

  it('lets another channel try when the upstream does not know the model', () => {
    const error = map(404, readOpenAIFixture('error-404-model.json'));
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
    expect(error.details.upstreamStatus).toBe(404);
    expect(error.message).toContain('gpt-9-imaginary');
  });

  it('lets another channel try on a bare 404 page (a wrong base URL)', () => {
    const error = map(404, '<html><body>Not Found</body></html>');
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
  });

  it.each([401, 403])('maps %i to a retryable upstream_error that does not repeat the upstream text', (status) => {
    const error = map(status, readOpenAIFixture('error-401.json'));
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
    expect(error.details.upstreamStatus).toBe(status);
    expect(error.message).toContain(String(status));
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('sk-');
  });

  it('maps 429 with retry-after', () => {
    const error = map(429, readOpenAIFixture('error-429.json'), { 'retry-after': '2' });
    expect(error.code).toBe('upstream_error');
    expect(error.retryElsewhere).toBe(true);
    expect(error.details).toMatchObject({ upstreamStatus: 429, retryAfterSeconds: 2 });
    expect(error.message).toContain('429');
  });

  it.each([500, 502, 503])('maps %i to a retryable upstream_error naming the status', (status) => {
    const error = map(status, readOpenAIFixture('error-500.json'));
    expect(error.code).toBe('upstream_error');
    expect(error.status).toBe(502);
    expect(error.retryElsewhere).toBe(true);
    expect(error.details.upstreamStatus).toBe(status);
    expect(error.message).toContain(`HTTP ${status}`);
  });

  it('scrubs the credential from any upstream message it passes on', () => {
    const body = JSON.stringify({ error: { message: `Bad header Authorization: Bearer ${secret}`, type: 'invalid_request_error' } });
    for (const status of [400, 429, 500]) {
      const error = map(status, body);
      expect(error.message).not.toContain(secret);
      expect(error.message).toContain('[redacted]');
    }
  });
});

describe('extractUpstreamError', () => {
  it('reads flat and string envelopes and plain text', () => {
    expect(extractUpstreamError('{"message":"flat","code":"x"}')).toMatchObject({ message: 'flat', code: 'x', isJson: true });
    expect(extractUpstreamError('{"error":"just text"}')).toMatchObject({ message: 'just text' });
    expect(extractUpstreamError('Bad Gateway')).toMatchObject({ message: 'Bad Gateway', isJson: false });
    expect(extractUpstreamError('')).toMatchObject({ message: null, isJson: false });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3);
    expect(parseRetryAfter('0.2')).toBe(1);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('scrubSecrets', () => {
  it('removes the key and credential-like extra headers', () => {
    const secrets = secretsOfTarget({ apiKey: secret, headers: { 'x-api-key': 'extra-secret-value', 'openai-organization': 'org-visible' } });
    const text = scrubSecrets(`${secret} extra-secret-value org-visible`, secrets);
    expect(text).toBe('[redacted] [redacted] org-visible');
  });

  it('collects a target\'s secrets once, into a list no caller can change', () => {
    const target = { apiKey: secret, headers: { authorization: 'Bearer header-secret-value' } };
    const secrets = secretsOfTarget(target);
    expect(secrets).toEqual([secret, 'Bearer header-secret-value', 'header-secret-value']);
    expect(secretsOfTarget(target)).toBe(secrets);
    expect(Object.isFrozen(secrets)).toBe(true);
    // Another target, even an equal one, has its own.
    expect(secretsOfTarget({ ...target })).not.toBe(secrets);
  });
});

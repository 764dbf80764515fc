import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { rejectionOf } from '../support/rejection-of.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let harness: TestGateway;
let key: string;

beforeAll(async () => {
  harness = await startTestGateway({
    config: ['server:', '  body_limit: 64kb', 'models:', '  - id: priced-model', '    provider: openai', '    pricing: { input: 1, output: 2 }', 'channels:', '  - name: nowhere', '    provider: openai-compatible', '    base_url: http://127.0.0.1:9/v1', '    api_key: sk-nowhere', '    models: [priced-model]', ''].join('\n'),
  });
  ({ key } = await harness.createKey());
});

afterAll(async () => {
  await harness.close();
});

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { error: Record<string, unknown> } };
}

const chat = (body: unknown) => post('/v1/chat/completions', JSON.stringify(body));

describe('errors in the contract envelope', () => {
  it('answers malformed JSON with 400 invalid_request', async () => {
    const { status, body, headers } = await post('/v1/chat/completions', '{"model": ');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(headers.get('x-request-id')).toMatch(/^gen-/);
  });

  it('names the missing field', async () => {
    const { status, body } = await chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'invalid_request', param: 'model' });
    const noMessages = await chat({ model: 'demo/echo' });
    expect(noMessages.status).toBe(400);
    expect(noMessages.body.error.param).toBe('messages');
  });

  it('refuses a missing or unknown key with 401 invalid_api_key', async () => {
    const missing = await post('/v1/chat/completions', '{}', { authorization: '' });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('invalid_api_key');
    const unknown = await post('/v1/chat/completions', '{}', { authorization: 'Bearer sk-sy-not-a-real-key' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_api_key');
  });

  it('answers an unknown model with 404 model_not_found, through the SDK as NotFoundError', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
    const error = await rejectionOf(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });

  it('answers a known model with no channel with 503 no_available_channel', async () => {
    const { status, body } = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(status).toBe(503);
    expect(body.error.code).toBe('no_available_channel');
  });

  it('answers a body over the limit with 413 request_too_large', async () => {
    const { status, body } = await chat({ model: 'demo/echo', messages: [{ role: 'user', content: 'x'.repeat(70_000) }] });
    expect(status).toBe(413);
    expect(body.error.code).toBe('request_too_large');
  });

  it('refuses a model outside the key allowlist with 403 model_not_allowed', async () => {
    const limited = await harness.createKey({ models: ['priced-model'] });
    const response = await post('/v1/chat/completions', JSON.stringify({ model: 'demo/echo', messages: [{ role: 'user', content: 'hi' }] }), {
      authorization: `Bearer ${limited.key}`,
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('model_not_allowed');
  });

  it('refuses a priced model without credit with 402 insufficient_credit', async () => {
    const { status, body } = await chat({ model: 'priced-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(status).toBe(402);
    expect(body.error.code).toBe('insufficient_credit');
  });

  it('answers 502 upstream_error when the only channel is unreachable, without its credential', async () => {
    const funded = await harness.createKey({ credit: '1' });
    const response = await post('/v1/chat/completions', JSON.stringify({ model: 'priced-model', messages: [{ role: 'user', content: 'hi' }] }), {
      authorization: `Bearer ${funded.key}`,
    });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('upstream_error');
    expect(JSON.stringify(response.body)).not.toContain('sk-nowhere');
  });

  it('answers unknown routes in the envelope too', async () => {
    const response = await fetch(`${harness.url}/v1/nothing-here`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { encodeOpenAIError } from '../../../src/dialects/openai-chat/encode-openai-error.js';
import { encodeModel, encodeModelList } from '../../../src/dialects/openai-chat/encode-model-list.js';

describe('encodeOpenAIError', () => {
  it('answers in the OpenAI envelope with the catalogue code, type and status', () => {
    const encoded = encodeOpenAIError(
      new GatewayError('invalid_request', "Missing required parameter: 'model'.", { param: 'model' }),
    );
    expect(encoded).toEqual({
      status: 400,
      headers: {},
      body: {
        error: { message: "Missing required parameter: 'model'.", type: 'invalid_request_error', param: 'model', code: 'invalid_request' },
      },
    });
  });

  it('adds the replacement for a retired model', () => {
    const encoded = encodeOpenAIError(
      new GatewayError('model_retired', 'gpt-old was retired on 2025-01-01; use gpt-new.', { replacement: 'gpt-new' }),
    );
    expect(encoded.status).toBe(410);
    expect(encoded.body.error).toEqual({
      message: 'gpt-old was retired on 2025-01-01; use gpt-new.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_retired',
      replacement: 'gpt-new',
    });
  });

  it('adds retry-after to rate limits, rounded up to whole seconds', () => {
    const limited = encodeOpenAIError(new GatewayError('rate_limit_exceeded', 'Slow down.', { retryAfterSeconds: 2.2 }));
    expect(limited.status).toBe(429);
    expect(limited.headers).toEqual({ 'retry-after': '3' });
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(encodeOpenAIError(new GatewayError('rate_limit_exceeded', 'Slow down.')).headers['retry-after']).toBe('1');
  });

  it('keeps other statuses and types from the catalogue', () => {
    const credit = encodeOpenAIError(new GatewayError('insufficient_credit', 'No credit left.'));
    expect(credit.status).toBe(402);
    expect(credit.body.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_credit' });
    expect(credit.body.error).not.toHaveProperty('replacement');
    expect(encodeOpenAIError(new GatewayError('upstream_timeout', 'Timed out.')).status).toBe(504);
  });
});

describe('encodeModelList', () => {
  it('lists models in OpenAI shape', () => {
    const models = [
      { id: 'gpt-4o', ownedBy: 'openai', created: 1715367049 },
      { id: 'demo/echo', ownedBy: 'demo', created: 1700000000 },
    ];
    expect(encodeModelList(models)).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'openai' },
        { id: 'demo/echo', object: 'model', created: 1700000000, owned_by: 'demo' },
      ],
    });
    expect(encodeModel({ id: 'x', ownedBy: 'y', created: 5 })).toEqual({ id: 'x', object: 'model', created: 5, owned_by: 'y' });
  });
});

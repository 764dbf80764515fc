import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { decodeEmbeddingRequest } from '../../../src/dialects/openai-embeddings/decode-embedding-request.js';
import { encodeEmbeddingResponse } from '../../../src/dialects/openai-embeddings/encode-embedding-response.js';

function invalidParam(body: unknown): string | null | undefined {
  try {
    decodeEmbeddingRequest(body);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
    return (error as GatewayError).details.param;
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeEmbeddingRequest', () => {
  it('normalises every input form to a list', () => {
    expect(decodeEmbeddingRequest({ model: 'e', input: 'one' }).input).toEqual(['one']);
    expect(decodeEmbeddingRequest({ model: 'e', input: ['a', 'b'] }).input).toEqual(['a', 'b']);
    expect(decodeEmbeddingRequest({ model: 'e', input: [1, 2, 3] }).input).toEqual([[1, 2, 3]]);
    expect(decodeEmbeddingRequest({ model: 'e', input: [[1], [2, 3]] }).input).toEqual([[1], [2, 3]]);
  });

  it('decodes the options and keeps the body', () => {
    const body = { model: 'text-embedding-3-small', input: 'x', dimensions: 256, encoding_format: 'base64', user: 'u', extra: 1 };
    expect(decodeEmbeddingRequest(body)).toEqual({
      model: 'text-embedding-3-small',
      input: ['x'],
      dimensions: 256,
      encodingFormat: 'base64',
      user: 'u',
      original: { dialect: 'openai-chat', body },
    });
  });

  it('rejects bad bodies with the field named', () => {
    expect(invalidParam(42)).toBe(null);
    expect(invalidParam({ input: 'x' })).toBe('model');
    expect(invalidParam({ model: 'e' })).toBe('input');
    expect(invalidParam({ model: 'e', input: '' })).toBe('input');
    expect(invalidParam({ model: 'e', input: [] })).toBe('input');
    expect(invalidParam({ model: 'e', input: ['a', 2] })).toBe('input[1]');
    expect(invalidParam({ model: 'e', input: 'x', dimensions: -1 })).toBe('dimensions');
    expect(invalidParam({ model: 'e', input: 'x', encoding_format: 'hex' })).toBe('encoding_format');
  });
});

describe('encodeEmbeddingResponse', () => {
  it('encodes the OpenAI list with usage and cost', () => {
    const encoded = encodeEmbeddingResponse(
      {
        model: 'text-embedding-3-small-upstream',
        data: [
          { index: 0, embedding: [0.1, 0.2] },
          { index: 1, embedding: 'AAAA' },
        ],
        usage: { inputTokens: 8, source: 'upstream' },
      },
      { model: 'text-embedding-3-small', costUsd: 0.0000002 },
    );
    expect(encoded).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.1, 0.2] },
        { object: 'embedding', index: 1, embedding: 'AAAA' },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 8, total_tokens: 8, cost: 0.0000002 },
    });
    const noCost = encodeEmbeddingResponse(
      { model: 'e', data: [], usage: { inputTokens: 0, source: 'estimated' } },
      { model: 'e', costUsd: null },
    );
    expect(noCost.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });
});

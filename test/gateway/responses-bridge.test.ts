import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

/**
 * An OpenAI upstream that serves one model only through the Responses API, as OpenAI does for
 * some: Chat Completions refuses it naming v1/responses; the Responses API answers.
 */
let upstream: Server;
let upstreamUrl: string;
const seen: string[] = [];
let harness: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push(request.url ?? '');
      response.setHeader('content-type', 'application/json');
      if (request.url === '/v1/chat/completions') {
        response.statusCode = 404;
        response.end(JSON.stringify({ error: { message: 'This model is only supported in v1/responses and not in v1/chat/completions.', type: 'invalid_request_error', param: 'model', code: null } }));
        return;
      }
      const parsed = JSON.parse(body) as { model: string };
      response.end(
        JSON.stringify({
          id: 'resp_bridge', object: 'response', created_at: 1, status: 'completed', error: null, incomplete_details: null, model: parsed.model,
          output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'answered by the Responses API', annotations: [] }] }],
          usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 17 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
  harness = await startTestGateway({
    config: `pricing:\n  markup: 1\nchannels:\n  - name: openai\n    provider: openai\n    base_url: ${upstreamUrl}\n    api_key: sk-test\n    models: [o3-pro]\n`,
  });
  const { key } = await harness.createKey({ credit: '50' });
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
  await new Promise((resolve) => upstream.close(resolve));
});

describe('a model OpenAI serves only through the Responses API', () => {
  it('is bridged for a Chat Completions client, and sent there directly afterwards', async () => {
    const first = await client.chat.completions.create({ model: 'o3-pro', messages: [{ role: 'user', content: 'hi' }] });
    expect(first.choices[0]?.message.content).toBe('answered by the Responses API');
    expect(first.usage?.prompt_tokens).toBe(12);
    expect(seen).toEqual(['/v1/chat/completions', '/v1/responses']);
    const second = await client.chat.completions.create({ model: 'o3-pro', messages: [{ role: 'user', content: 'again' }] });
    expect(second.choices[0]?.message.content).toBe('answered by the Responses API');
    expect(seen).toEqual(['/v1/chat/completions', '/v1/responses', '/v1/responses']);
  });
});

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../src/core/chat-request.js';
import type { ChatResponse } from '../../../src/core/chat-response.js';
import type { EmbeddingRequest } from '../../../src/core/embedding.js';
import { GatewayError, isGatewayError } from '../../../src/core/gateway-error.js';
import type { StreamEvent } from '../../../src/core/stream-event.js';
import type { Usage } from '../../../src/core/usage.js';
import {
  ChatStreamEncoder,
  decodeChatRequest,
  encodeChatResponse,
  encodeOpenAIError,
} from '../../../src/dialects/openai-chat/index.js';
import { decodeEmbeddingRequest, encodeEmbeddingResponse } from '../../../src/dialects/openai-embeddings/index.js';

/*
 * A tiny stand-in for the gateway route: it decodes what the official SDK sends, then answers
 * with whatever the test scripted, encoded by the dialect. The SDK's own parsing is the judge.
 */

type Script =
  | { kind: 'response'; response: ChatResponse; costUsd: number | null }
  | { kind: 'stream'; events: StreamEvent[]; costUsd: number | null }
  | { kind: 'error'; error: GatewayError };

let script: Script;
let received: ChatRequest[] = [];
let receivedEmbeddings: EmbeddingRequest[] = [];
let server: Server;
let client: OpenAI;

const usage: Usage = {
  inputTokens: 21,
  cachedInputTokens: 5,
  cacheWriteTokens: 0,
  outputTokens: 9,
  reasoningTokens: 3,
  source: 'upstream',
};

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function sendError(response: ServerResponse, error: GatewayError): void {
  const encoded = encodeOpenAIError(error);
  response.writeHead(encoded.status, { 'content-type': 'application/json', ...encoded.headers });
  response.end(JSON.stringify(encoded.body));
}

/** Answers embeddings the way an upstream honouring `encoding_format` would. */
async function handleEmbeddings(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const decoded = decodeEmbeddingRequest(await readJson(request));
  receivedEmbeddings.push(decoded);
  const data = decoded.input.map((_, index) => {
    const vector = [index + 0.5, -1, 0.25];
    const embedding =
      decoded.encodingFormat === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { index, embedding };
  });
  const body = encodeEmbeddingResponse(
    { model: 'upstream-embedder', data, usage: { inputTokens: 4, source: 'upstream' } },
    { model: decoded.model, costUsd: 0.000001 },
  );
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.url?.endsWith('/embeddings')) {
    await handleEmbeddings(request, response);
    return;
  }
  let decoded: ChatRequest;
  try {
    decoded = decodeChatRequest(await readJson(request));
  } catch (error) {
    sendError(response, isGatewayError(error) ? error : new GatewayError('internal_error', 'Unexpected failure.'));
    return;
  }
  received.push(decoded);
  if (script.kind === 'error') {
    sendError(response, script.error);
    return;
  }
  if (script.kind === 'response') {
    const body = encodeChatResponse(script.response, { id: 'gen_round_trip', model: decoded.model, costUsd: script.costUsd });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return;
  }
  const encoder = new ChatStreamEncoder({
    id: 'gen_stream',
    model: decoded.model,
    created: 1700000000,
    includeUsage: decoded.streamIncludeUsage ?? false,
  });
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const event of script.events) {
    const frames = encoder.encode(event);
    if (frames !== '') response.write(frames);
  }
  response.end(encoder.finish(encoder.usage, script.costUsd));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received = [];
  receivedEmbeddings = [];
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('the official openai SDK against the encoded wire format', () => {
  it('reads a non-streaming completion, usage and cost', async () => {
    script = {
      kind: 'response',
      costUsd: 0.000123,
      response: {
        model: 'upstream-model',
        created: 1700000000,
        choices: [{ index: 0, content: [{ type: 'text', text: 'Bonjour.' }], finishReason: { unified: 'stop', raw: 'stop' } }],
        usage,
      },
    };
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Translate.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello.' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] },
      ],
      max_completion_tokens: 50,
    });
    expect(completion.id).toBe('gen_round_trip');
    expect(completion.model).toBe('gpt-4o');
    expect(completion.choices[0]?.message.content).toBe('Bonjour.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 9, total_tokens: 30, cost: 0.000123 });
    expect(received[0]?.maxOutputTokens).toBe(50);
    expect(received[0]?.messages[1]?.content[1]).toEqual({
      type: 'image',
      source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' },
    });
  });

  it('reassembles streamed text and the usage chunk', async () => {
    script = {
      kind: 'stream',
      costUsd: 0.5,
      events: [
        { type: 'start' },
        { type: 'text-delta', choiceIndex: 0, text: 'One, ' },
        { type: 'text-delta', choiceIndex: 0, text: 'two.' },
        { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'stop' } },
        { type: 'usage', usage },
      ],
    };
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'Count.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finishReason: string | null = null;
    let finalUsage: unknown;
    for await (const chunk of stream) {
      expect(chunk.id).toBe('gen_stream');
      expect(chunk.model).toBe('claude-sonnet-4-5');
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      if (chunk.usage) finalUsage = chunk.usage;
    }
    expect(text).toBe('One, two.');
    expect(finishReason).toBe('stop');
    expect(finalUsage).toMatchObject({ prompt_tokens: 21, completion_tokens: 9, cost: 0.5 });
    expect(received[0]).toMatchObject({ stream: true, streamIncludeUsage: true });
  });

  it('assembles parallel tool calls with the stream helper', async () => {
    script = {
      kind: 'stream',
      costUsd: 0.01,
      events: [
        { type: 'text-delta', choiceIndex: 0, text: 'Checking.' },
        { type: 'tool-call-start', choiceIndex: 0, toolIndex: 1, id: 'call_paris', name: 'weather' },
        { type: 'tool-call-start', choiceIndex: 0, toolIndex: 2, id: 'call_oslo', name: 'weather' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '{"city":' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 2, argumentsDelta: '{"city":"Oslo"}' },
        { type: 'tool-call-delta', choiceIndex: 0, toolIndex: 1, argumentsDelta: '"Paris"}' },
        { type: 'finish', choiceIndex: 0, finishReason: { unified: 'tool_calls', raw: 'tool_use' } },
        { type: 'usage', usage },
      ],
    };
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris and Oslo?' }],
      tools: [weatherTool],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      stream_options: { include_usage: true },
    });
    const completion = await runner.finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe('Checking.');
    expect(message?.tool_calls).toEqual([
      { id: 'call_paris', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_oslo', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toMatchObject({ total_tokens: 30, cost: 0.01 });
    expect(received[0]?.tools?.[0]?.name).toBe('weather');
    expect(received[0]?.parallelToolCalls).toBe(true);
  });

  it('sends tool results back in a form the decoder understands', async () => {
    script = {
      kind: 'response',
      costUsd: null,
      response: {
        model: 'm',
        created: 1,
        choices: [{ index: 0, content: [{ type: 'text', text: 'Sunny.' }], finishReason: { unified: 'stop', raw: null } }],
      },
    };
    await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(received[0]?.messages.slice(1)).toEqual([
      { role: 'assistant', content: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: 'sunny' }] }] },
    ]);
  });

  it('raises an APIError for an error frame in the middle of a stream', async () => {
    script = {
      kind: 'stream',
      costUsd: null,
      events: [
        { type: 'text-delta', choiceIndex: 0, text: 'Partial' },
        { type: 'error', error: new GatewayError('upstream_error', 'The upstream closed the connection.') },
      ],
    };
    const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    let caught: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    } catch (error) {
      caught = error;
    }
    expect(text).toBe('Partial');
    expect(caught).toBeInstanceOf(APIError);
    expect((caught as APIError).message).toBe('The upstream closed the connection.');
    expect((caught as APIError).code).toBe('upstream_error');
    expect((caught as APIError).type).toBe('upstream_error');

    const runner = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    runner.on('error', () => {});
    await expect(runner.finalChatCompletion()).rejects.toBeInstanceOf(APIError);
  });

  it('surfaces error answers as the SDK error classes, with code and param', async () => {
    let caught: unknown;
    try {
      await client.chat.completions.create({ model: 'gpt-4o', messages: [] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OpenAI.BadRequestError);
    expect((caught as APIError).param).toBe('messages');
    expect((caught as APIError).code).toBe('invalid_request');

    script = { kind: 'error', error: new GatewayError('rate_limit_exceeded', 'Too many requests.', { retryAfterSeconds: 7 }) };
    caught = undefined;
    try {
      await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OpenAI.RateLimitError);
    expect((caught as APIError).headers?.get('retry-after')).toBe('7');
    expect((caught as APIError).code).toBe('rate_limit_exceeded');
  });

  it('gives the stream helper a complete message even from an empty stream', async () => {
    script = { kind: 'stream', costUsd: 0, events: [] };
    const runner = client.chat.completions.stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: null });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('reads embeddings, including the base64 form the SDK asks for by default', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'] });
    expect(receivedEmbeddings[0]?.encodingFormat).toBe('base64');
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.data.map((item) => item.embedding)).toEqual([
      [0.5, -1, 0.25],
      [1.5, -1, 0.25],
    ]);
    expect(result.usage).toMatchObject({ prompt_tokens: 4, total_tokens: 4, cost: 0.000001 });
    const floats = await client.embeddings.create({ model: 'e', input: 'one', encoding_format: 'float' });
    expect(receivedEmbeddings[1]?.input).toEqual(['one']);
    expect(floats.data[0]?.embedding).toEqual([0.5, -1, 0.25]);
  });
});

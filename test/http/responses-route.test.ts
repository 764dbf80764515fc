import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../../src/http/create-http-server.js';
import { registerResponsesRoute } from '../../src/http/routes/responses-route.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';
import { rejectionOf } from '../support/rejection-of.js';

// The route is served by its own Fastify instance over the real gateway's pipelines, so these
// tests do not depend on the composition root registering it.
let upstream: MockOpenAIUpstream;
let harness: TestGateway;
let app: FastifyInstance;
let client: OpenAI;
let baseURL: string;
let key: string;

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather of a city',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  strict: false,
};

beforeAll(async () => {
  upstream = await startMockOpenAIUpstream({ apiKey: 'sk-upstream-secret' });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: primary
    provider: openai
    base_url: ${upstream.url}
    api_key: sk-upstream-secret
    models: [gpt-4o]
`,
  });
  ({ key } = await harness.createKey({ credit: '10' }));
  const services = harness.gateway.services;
  app = createHttpServer(services);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  baseURL = `${address}/v1`;
  client = new OpenAI({ apiKey: key, baseURL, maxRetries: 0 });
});

afterAll(async () => {
  await app.close();
  await harness.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

describe('POST /v1/responses with the openai SDK', () => {
  it('answers a plain request from demo/echo', async () => {
    const response = await client.responses.create({ model: 'demo/echo', input: 'Hello there', instructions: 'Be brief.' });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^gen-/);
    expect(response.status).toBe('completed');
    expect(response.output_text).toContain('Hello there');
    expect(response.instructions).toBe('Be brief.');
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
    expect(response.usage).toHaveProperty('cost');
  });

  it('streams the full event sequence from demo/echo', async () => {
    const stream = await client.responses.create({ model: 'demo/echo', input: 'Stream me', stream: true });
    const types: string[] = [];
    const sequence: number[] = [];
    let text = '';
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      types.push(event.type);
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(sequence).toEqual(sequence.map((_, index) => index));
    expect(text).toContain('Stream me');
    expect(completed?.output_text ?? completed?.output).toBeTruthy();
    expect(completed?.usage?.output_tokens).toBeGreaterThan(0);
    expect(completed?.usage).toHaveProperty('cost');
  });

  it('round-trips a function call and its output through the OpenAI upstream', async () => {
    upstream.setScenario('chat-completion-tool-calls');
    const first = await client.responses.create({ model: 'gpt-4o', input: 'Weather in Paris?', tools: [weatherTool] });
    const calls = first.output.filter((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    expect(calls.length).toBeGreaterThan(0);
    const call = calls[0]!;
    expect(call.call_id).toMatch(/^call_/);
    expect(JSON.parse(call.arguments)).toBeTypeOf('object');
    expect(upstream.requests[0]!.body).toMatchObject({
      model: expect.any(String),
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
    });

    upstream.setScenario('chat-completion');
    const second = await client.responses.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Paris?' },
        ...calls.map((item) => ({ type: 'function_call' as const, call_id: item.call_id, name: item.name, arguments: item.arguments })),
        ...calls.map((item) => ({ type: 'function_call_output' as const, call_id: item.call_id, output: '18C and sunny' })),
      ],
    });
    expect(second.status).toBe('completed');
    const sent = upstream.requests[1]!.body as { messages: Array<Record<string, unknown>> };
    const assistant = sent.messages.find((message) => message.role === 'assistant') as { tool_calls: Array<{ id: string }> };
    expect(assistant.tool_calls.map((toolCall) => toolCall.id)).toEqual(calls.map((item) => item.call_id));
    const toolMessages = sent.messages.filter((message) => message.role === 'tool');
    expect(toolMessages.map((message) => message.tool_call_id)).toEqual(calls.map((item) => item.call_id));
    expect(toolMessages[0]!.content).toContain('18C and sunny');
  });

  it('streams parallel function-call arguments as they arrive', async () => {
    upstream.setScenario('chat-stream-tool-calls');
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'Weather and time?', tools: [weatherTool], stream: true });
    const argumentDeltas: string[] = [];
    const doneCalls: Array<{ name: string; arguments: string }> = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas.push(event.delta);
      if (event.type === 'response.function_call_arguments.done') doneCalls.push({ name: event.name, arguments: event.arguments });
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(argumentDeltas.length).toBeGreaterThan(2);
    expect(doneCalls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(JSON.parse(doneCalls[0]!.arguments)).toEqual({ location: 'Paris, France' });
    const items = completed?.output.filter((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall[];
    expect(items.map((item) => item.call_id)).toEqual(['call_dZbXQmJ3pLk9sYw2VcN8TgHr', 'call_Qe7RkLm2VbN4xZc8AsDf1GhJ']);
    expect(completed?.usage?.input_tokens).toBeGreaterThan(0);
  });

  it('calls a demo tool when streaming and forwards its arguments', async () => {
    const stream = await client.responses.create({
      model: 'demo/echo',
      input: 'Paris',
      tools: [weatherTool, { type: 'web_search' }],
      tool_choice: 'required',
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types).toContain('response.function_call_arguments.done');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('names the hosted tools it left out in a header', async () => {
    const response = await fetch(`${baseURL}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'demo/echo', input: 'hi', tools: [{ type: 'web_search' }, { type: 'namespace', name: 'mcp', tools: [] }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-dropped-tools')).toBe('web_search,namespace');
    expect(response.headers.get('x-switchyard-cost')).not.toBeNull();
  });

  it('continues a stored response with previous_response_id, for its owner only', async () => {
    const first = await client.responses.create({ model: 'demo/echo', input: 'remember: blue' });
    const second = await client.responses.create({ model: 'demo/echo', input: 'and green', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);

    upstream.setScenario('chat-completion');
    const third = await client.responses.create({ model: 'gpt-4o', input: 'summarise', previous_response_id: second.id });
    expect(third.status).toBe('completed');
    const sent = upstream.requests[0]!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(JSON.stringify(sent.messages[0]!.content)).toContain('remember: blue');

    const other = await harness.createKey({ credit: '1' });
    const stranger = new OpenAI({ apiKey: other.key, baseURL, maxRetries: 0 });
    const error = await rejectionOf(stranger.responses.create({ model: 'demo/echo', input: 'x', previous_response_id: first.id }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('does not keep a response sent with store: false', async () => {
    const response = await client.responses.create({ model: 'demo/echo', input: 'forget me', store: false });
    const error = await rejectionOf(client.responses.create({ model: 'demo/echo', input: 'x', previous_response_id: response.id }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('answers a bad request with a 400 naming the field, in the OpenAI envelope', async () => {
    const error = await rejectionOf(
      client.responses.create({ model: 'demo/echo', input: [{ type: 'item_reference', id: 'msg_1' }] }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('input[0].type');
  });

  it('turns a mid-stream upstream failure into response.failed', async () => {
    upstream.setScenario('stream-cut');
    const stream = await client.responses.create({ model: 'gpt-4o', input: 'hi', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.failed');
    expect(types).not.toContain('response.completed');
  });
});

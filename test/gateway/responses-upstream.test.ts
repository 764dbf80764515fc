import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { startMockOpenAIResponsesUpstream, type MockOpenAIResponsesUpstream } from '../support/mock-openai-responses-upstream.js';

/**
 * The three inbound dialects over an `openai-responses` channel, driven by the official SDKs:
 * plain answers, streams, and streamed tool calls whose arguments arrive in pieces.
 */
let upstream: MockOpenAIResponsesUpstream;
let harness: TestGateway;
let key: string;
const model = 'gpt-5-codex';

const weatherTool = { name: 'get_weather', description: 'Weather of a place', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };

beforeAll(async () => {
  upstream = await startMockOpenAIResponsesUpstream({ apiKey: 'sk-responses-mock' });
  harness = await startTestGateway({
    config: `
pricing:
  markup: 1
channels:
  - name: responses-mock
    provider: openai-responses
    base_url: ${upstream.url}
    api_key: sk-responses-mock
    models: [${model}]
`,
  });
  ({ key } = await harness.createKey({ credit: '10' }));
});

afterAll(async () => {
  await harness.close();
  await upstream.close();
});

beforeEach(() => upstream.reset());

const openai = () => new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: key, baseURL: harness.url, maxRetries: 0 });

describe('with an OpenAI Responses upstream', () => {
  it('answers OpenAI Chat Completions, plain and streamed', async () => {
    const plain = await openai().chat.completions.create({ model, messages: [{ role: 'user', content: 'hello chat' }] });
    expect(plain.choices[0]?.message.content).toBe('Echo: hello chat');
    expect(plain.usage?.prompt_tokens).toBe(10);
    expect(upstream.requests[0]?.path).toBe('/v1/responses');
    const stream = await openai().chat.completions.create({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello stream' }] });
    let text = '';
    let completionTokens = 0;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) completionTokens = chunk.usage.completion_tokens;
    }
    expect(text).toBe('Echo: hello stream');
    expect(completionTokens).toBe(4);
  });

  it('answers Anthropic Messages, plain and streamed', async () => {
    const plain = await anthropic().messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: 'hello messages' }] });
    expect(plain.content[0]?.type === 'text' && plain.content[0].text).toBe('Echo: hello messages');
    expect(plain.usage.output_tokens).toBe(4);
    const final = await anthropic().messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: 'hello messages stream' }] }).finalMessage();
    expect(final.content[0]?.type === 'text' && final.content[0].text).toBe('Echo: hello messages stream');
  });

  it('answers OpenAI Responses, plain and streamed, passing the body through', async () => {
    const plain = await openai().responses.create({ model, input: 'hello responses', prompt_cache_key: 'cache-me' });
    expect(plain.output_text).toBe('Echo: hello responses');
    expect(upstream.requests[0]?.body).toMatchObject({ model, input: 'hello responses', prompt_cache_key: 'cache-me' });
    const stream = await openai().responses.create({ model, input: 'hello responses stream', stream: true });
    let text = '';
    let completed = false;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = true;
    }
    expect(text).toBe('Echo: hello responses stream');
    expect(completed).toBe(true);
  });

  it('streams tool calls to every dialect, arguments reassembled by each SDK', async () => {
    upstream.setScenario('stream-function-call');
    const chat = await openai()
      .chat.completions.stream({ model, messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: weatherTool }] })
      .finalChatCompletion();
    const chatCall = chat.choices[0]?.message.tool_calls?.[0];
    expect(chatCall?.type === 'function' && chatCall.function.name).toBe('get_weather');
    expect(JSON.parse(chatCall?.type === 'function' ? chatCall.function.arguments : '{}')).toEqual({ location: 'Paris, France' });
    expect(chat.choices[0]?.finish_reason).toBe('tool_calls');

    upstream.setScenario('stream-function-call');
    const message = await anthropic()
      .messages.stream({ model, max_tokens: 512, messages: [{ role: 'user', content: 'weather?' }], tools: [{ name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.parameters as Anthropic.Tool.InputSchema }] })
      .finalMessage();
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    expect(toolUse?.type === 'tool_use' && toolUse.name).toBe('get_weather');
    expect(toolUse?.type === 'tool_use' && toolUse.input).toEqual({ location: 'Paris, France' });
    expect(message.stop_reason).toBe('tool_use');

    upstream.setScenario('stream-function-call');
    const stream = await openai().responses.create({ model, input: 'weather?', stream: true, tools: [{ type: 'function', name: weatherTool.name, parameters: weatherTool.parameters, strict: false }] });
    let argumentsText = '';
    let name = '';
    for await (const event of stream) {
      if (event.type === 'response.output_item.added' && event.item.type === 'function_call' && !name) name = event.item.name;
      if (event.type === 'response.function_call_arguments.done' && !argumentsText) argumentsText = event.arguments;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toEqual({ location: 'Paris, France' });
  });
});

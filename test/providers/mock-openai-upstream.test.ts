import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockOpenAIUpstream, type MockOpenAIUpstream } from '../support/mock-openai-upstream.js';

// The mock is checked with the official SDK, so end-to-end tests can rely on it speaking OpenAI's format.
let mock: MockOpenAIUpstream;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockOpenAIUpstream({ apiKey: 'sk-mock' });
  client = new OpenAI({ apiKey: 'sk-mock', baseURL: mock.url, maxRetries: 0 });
});
beforeEach(() => mock.reset());
afterAll(async () => {
  await mock.close();
});

describe('mock OpenAI upstream', () => {
  it('serves a base URL ending in /v1', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('echoes the last user message with usage by default', async () => {
    const completion = await client.chat.completions.create({
      model: 'any-model',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second message' }] },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: second message');
    expect(completion.model).toBe('any-model');
    expect(completion.usage).toMatchObject({ completion_tokens: 3, prompt_tokens: 9, total_tokens: 12 });
    expect(mock.requests[0]?.body?.model).toBe('any-model');
  });

  it('streams the echo with a usage-only final chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usageChunk: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usageChunk = chunk;
    }
    expect(text).toBe('Echo: stream me');
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage?.completion_tokens).toBe(3);
  });

  it('cuts the echo at the token limit with finish_reason length', async () => {
    const completion = await client.chat.completions.create({
      model: 'm',
      max_completion_tokens: 2,
      messages: [{ role: 'user', content: 'a b c d' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Echo: a');
    expect(completion.choices[0]?.finish_reason).toBe('length');
  });

  it('calls the named tool when the request requires one', async () => {
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'weather' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function : undefined).toEqual({ name: 'get_weather', arguments: '{"text":"weather"}' });
  });

  it('answers embeddings in the encoding the SDK asks for', async () => {
    const response = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 5 });
    expect(response.data).toHaveLength(2);
    expect(response.data[0]?.embedding).toHaveLength(5);
    const again = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['a', 'b'], dimensions: 5 });
    expect(again.data[0]?.embedding).toEqual(response.data[0]?.embedding);
  });

  it('answers per model, and refuses a wrong key', async () => {
    mock.setScenarioForModel('limited', 'error-429');
    await expect(client.chat.completions.create({ model: 'limited', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 429,
      headers: expect.anything(),
    });
    const other = new OpenAI({ apiKey: 'sk-wrong', baseURL: mock.url, maxRetries: 0 });
    await expect(other.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 401 });
  });

  it('lets a function choose the scenario and records what was sent', async () => {
    mock.setScenario((recorded) => (recorded.body?.temperature === 7 ? 'error-400' : undefined));
    await expect(
      client.chat.completions.create({ model: 'm', temperature: 7, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 400 });
    await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'y' }] });
    expect(mock.requests.map((recorded) => recorded.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer sk-mock');
  });
});

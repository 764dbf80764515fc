import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let harness: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  harness = await startTestGateway();
  const { key } = await harness.createKey();
  client = new OpenAI({ apiKey: key, baseURL: `${harness.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await harness.close();
});

describe('the built-in demo provider through the openai SDK', () => {
  it('echoes the last user message with usage and a zero cost', async () => {
    const completion = await client.chat.completions.create({
      model: 'demo/echo',
      messages: [
        { role: 'system', content: 'You are a parrot.' },
        { role: 'user', content: 'Hello, Switchyard!' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello, Switchyard!');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.id).toMatch(/^gen-/);
    expect(completion.model).toBe('demo/echo');
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect((completion.usage as unknown as { cost: number }).cost).toBe(0);
  });

  it('streams the same text, ending with a usage chunk that carries the cost', async () => {
    const stream = await client.chat.completions.create({
      model: 'demo/echo',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'one two three four' }],
    });
    let text = '';
    let chunks = 0;
    let usage: (OpenAI.CompletionUsage & { cost?: number }) | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('one two three four');
    expect(chunks).toBeGreaterThan(3);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.cost).toBe(0);
  });

  it('calls a named tool and streams its arguments in pieces the SDK reassembles', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const completion = await client.chat.completions.create({
      model: 'demo/echo',
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [{ role: 'user', content: 'Paris' }],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    const runner = client.chat.completions.stream({
      model: 'demo/echo',
      tools,
      tool_choice: 'required',
      messages: [{ role: 'user', content: 'Berlin' }],
    });
    const final = await runner.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    expect(streamed?.type === 'function' && JSON.parse(streamed.function.arguments)).toEqual({ city: 'Berlin' });
  });

  it('lists demo/echo among the routable models and answers it by id', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain('demo/echo');
    const model = await client.models.retrieve('demo/echo');
    expect(model.id).toBe('demo/echo');
  });

  it('logs each request once, retrievable as a generation', async () => {
    const completion = await client.chat.completions.create({
      model: 'demo/echo',
      messages: [{ role: 'user', content: 'record me' }],
    });
    const response = await fetch(`${harness.url}/api/generations/${completion.id}`, {
      headers: { authorization: `Bearer ${client.apiKey}` },
    });
    expect(response.status).toBe(200);
    const record = (await response.json()) as Record<string, unknown>;
    expect(record).toMatchObject({ id: completion.id, model: 'demo/echo', provider: 'demo', status: 'success', stream: false, cost: 0 });
    expect(record.completion_tokens).toBe(completion.usage?.completion_tokens);
  });
});

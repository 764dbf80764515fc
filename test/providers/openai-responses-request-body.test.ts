import { describe, expect, it } from 'vitest';
import { GatewayError, type ChatRequest } from '../../src/core/index.js';
import { buildOpenAIResponsesBody } from '../../src/providers/openai-responses/index.js';

const base = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gpt-5',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  ...overrides,
});

describe('buildOpenAIResponsesBody (translated)', () => {
  it('builds input items, function tools and options from a multi-turn tool conversation', () => {
    const body = buildOpenAIResponsesBody(
      base({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBOR' }, detail: 'low' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'thinking', signature: 'sig' },
              { type: 'text', text: 'Checking.' },
              { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
            ],
          },
          { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] }] },
        ],
        tools: [{ name: 'get_weather', description: 'Weather', parameters: { type: 'object' } }],
        toolChoice: { name: 'get_weather' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true },
        maxOutputTokens: 200,
        temperature: 0.5,
        reasoning: { budgetTokens: 10_000 },
        seed: 7,
        user: 'u-1',
      }),
      'gpt-5-2025-08-07',
      true,
    );
    expect(body).toEqual({
      model: 'gpt-5-2025-08-07',
      store: false,
      stream: true,
      input: [
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Be brief.' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather in Paris?' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBOR', detail: 'low' },
          ],
        },
        { type: 'message', role: 'assistant', content: 'Checking.' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18C' },
      ],
      tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object' }, strict: false }],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
      max_output_tokens: 200,
      temperature: 0.5,
      reasoning: { effort: 'medium' },
      user: 'u-1',
    });
  });

  it('refuses what Responses cannot express, naming the field', () => {
    const cases: Array<[Partial<ChatRequest>, string]> = [
      [{ stop: ['END'] }, 'stop'],
      [{ n: 2 }, 'n'],
      [{ presencePenalty: 0.5 }, 'presence_penalty'],
    ];
    for (const [overrides, param] of cases) {
      let caught: unknown;
      try {
        buildOpenAIResponsesBody(base(overrides), 'gpt-5', false);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      expect((caught as GatewayError).details.param).toBe(param);
      expect((caught as GatewayError).status).toBe(400);
    }
  });
});

describe('buildOpenAIResponsesBody (passthrough)', () => {
  const original = {
    model: 'gpt-5-codex',
    instructions: 'You are Codex.',
    input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'env' }] }],
    tools: [{ type: 'web_search' }, { type: 'namespace', name: 'ns' }],
    client_metadata: { session: 'x' },
    prompt_cache_key: 'abc',
    stream: true,
    models: ['gpt-5'],
  };

  it('sends the original body with only the model replaced and gateway fields removed', () => {
    const request = base({ stream: true, original: { dialect: 'openai-responses', body: original } });
    const body = buildOpenAIResponsesBody(request, 'gpt-5-codex-2025', true);
    const { models: _models, ...expected } = original;
    expect(body).toEqual({ ...expected, model: 'gpt-5-codex-2025' });
  });

  it('removes stream for a non-streamed call', () => {
    const body = buildOpenAIResponsesBody(base({ original: { dialect: 'openai-responses', body: original } }), 'm', false);
    expect(body).not.toHaveProperty('stream');
  });

  it('replaces a gateway previous_response_id with the whole conversation', () => {
    const request = base({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are Codex.' }] },
        { role: 'user', content: [{ type: 'text', text: 'first' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
      original: { dialect: 'openai-responses', body: { model: 'gpt-5', instructions: 'You are Codex.', input: 'second', previous_response_id: 'gen-123' } },
    });
    const body = buildOpenAIResponsesBody(request, 'gpt-5', false);
    expect(body).not.toHaveProperty('previous_response_id');
    expect(body.instructions).toBe('You are Codex.');
    expect(body.input).toEqual([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] },
      { type: 'message', role: 'assistant', content: 'answer' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'second' }] },
    ]);
  });

  it('ignores the original body of another dialect', () => {
    const body = buildOpenAIResponsesBody(base({ original: { dialect: 'openai-chat', body: { model: 'x', messages: [] } } }), 'gpt-5', false);
    expect(body.input).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]);
  });
});

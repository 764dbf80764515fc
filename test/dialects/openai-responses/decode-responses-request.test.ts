import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/core/gateway-error.js';
import { decodeResponsesRequest } from '../../../src/dialects/openai-responses/decode-responses-request.js';

function errorOf(body: unknown): GatewayError {
  try {
    decodeResponsesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the decoder to reject the body');
}

describe('decodeResponsesRequest', () => {
  it('turns string input and instructions into a system and a user message', () => {
    const decoded = decodeResponsesRequest({ model: 'gpt-5', instructions: 'Be brief.', input: 'Hello' });
    expect(decoded.request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
    ]);
    expect(decoded.request.stream).toBe(false);
    expect(decoded.store).toBe(true);
    expect(decoded.request.original?.dialect).toBe('openai-responses');
  });

  it('decodes message items with text and images, and developer and system roles', () => {
    const decoded = decodeResponsesRequest({
      model: 'gpt-5',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'dev rules' }] },
        { role: 'system', content: 'sys' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'what is this?' },
            { type: 'input_image', image_url: 'https://example.com/cat.png', detail: 'low' },
            { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=' },
          ],
        },
      ],
    });
    expect(decoded.inputMessages).toEqual([
      { role: 'developer', content: [{ type: 'text', text: 'dev rules' }] },
      { role: 'system', content: [{ type: 'text', text: 'sys' }] },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', source: { kind: 'url', url: 'https://example.com/cat.png' }, detail: 'low' },
          { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('groups reasoning, assistant text and parallel function calls into one assistant turn', () => {
    const decoded = decodeResponsesRequest({
      model: 'gpt-5',
      input: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'two cities' }], encrypted_content: 'sig-abc' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'call_1', output: '18C' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: '21C' }] },
      ],
    });
    expect(decoded.inputMessages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'two cities', signature: 'sig-abc' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
      },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] }] },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_2', content: [{ type: 'text', text: '21C' }] }] },
    ]);
  });

  it('keeps function tools, drops hosted tools by rule, and maps tool_choice', () => {
    const decoded = decodeResponsesRequest({
      model: 'gpt-5',
      input: 'hi',
      tools: [
        { type: 'function', name: 'shell', description: 'run', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false },
        { type: 'function', name: 'noop' },
        { type: 'web_search' },
        { type: 'namespace', name: 'mcp', tools: [] },
      ],
      tool_choice: { type: 'function', name: 'shell' },
      parallel_tool_calls: false,
    });
    expect(decoded.request.tools).toEqual([
      { name: 'shell', description: 'run', parameters: { type: 'object', properties: { cmd: { type: 'string' } } }, strict: false },
      { name: 'noop', parameters: { type: 'object', properties: {} } },
    ]);
    expect(decoded.droppedTools).toEqual(['web_search', 'namespace']);
    expect(decoded.request.toolChoice).toEqual({ name: 'shell' });
    expect(decoded.request.parallelToolCalls).toBe(false);
  });

  it('drops tool_choice when every tool was a hosted one', () => {
    const decoded = decodeResponsesRequest({ model: 'gpt-5', input: 'hi', tools: [{ type: 'web_search' }], tool_choice: 'required' });
    expect(decoded.request.tools).toBeUndefined();
    expect(decoded.request.toolChoice).toBeUndefined();
  });

  it('maps reasoning, text.format json_schema, sampling and output limits', () => {
    const decoded = decodeResponsesRequest({
      model: 'gpt-5',
      input: 'hi',
      reasoning: { effort: 'high', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true }, verbosity: 'low' },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: 'u-1',
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'abc',
      client_metadata: { session: 'x' },
    });
    expect(decoded.request).toMatchObject({
      reasoning: { effort: 'high' },
      responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
      maxOutputTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      user: 'u-1',
      stream: true,
    });
    expect(decoded.store).toBe(false);
    expect(decoded.includeEncryptedReasoning).toBe(true);
    expect(decoded.reasoningSummary).toBe('auto');
    expect(decoded.request.original?.body.client_metadata).toEqual({ session: 'x' });
  });

  it('maps the efforts outside the canonical range', () => {
    expect(decodeResponsesRequest({ model: 'm', input: 'x', reasoning: { effort: 'xhigh' } }).request.reasoning).toEqual({ effort: 'high' });
    expect(decodeResponsesRequest({ model: 'm', input: 'x', reasoning: { effort: 'none' } }).request.reasoning).toBeUndefined();
  });

  it('rejects what it cannot express with a 400 naming the field', () => {
    expect(errorOf({ input: 'x' }).details.param).toBe('model');
    expect(errorOf({ model: 'm', input: [{ type: 'computer_call_output', call_id: 'c' }] }).details.param).toBe('input[0].type');
    expect(errorOf({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }).details.param).toBe('input[0].type');
    expect(errorOf({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }).details.param).toBe(
      'input[0].content[0].type',
    );
    expect(errorOf({ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }).details.param).toBe('input[0].call_id');
    expect(errorOf({ model: 'm', input: 'x', reasoning: { effort: 'extreme' } }).details.param).toBe('reasoning.effort');
    expect(errorOf([]).code).toBe('invalid_request');
  });
});

import { describe, expect, it } from 'vitest';
import { encodeResponsesResponse } from '../../../src/dialects/openai-responses/encode-responses-response.js';

describe('encodeResponsesResponse', () => {
  it('encodes reasoning, text and tool calls as output items with usage and cost', () => {
    const encoded = encodeResponsesResponse(
      {
        model: 'claude-sonnet-4-5-20250929',
        created: 1_700_000_000,
        choices: [
          {
            index: 0,
            content: [
              { type: 'reasoning', text: 'plan', signature: 'sig' },
              { type: 'text', text: 'Let me ' },
              { type: 'text', text: 'check.' },
              { type: 'tool_call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
            ],
            finishReason: { unified: 'tool_calls', raw: 'tool_use' },
          },
        ],
        usage: { inputTokens: 50, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 5, source: 'upstream' },
      },
      {
        id: 'gen-xyz',
        model: 'claude-sonnet-4-5',
        createdAt: 1_700_000_001,
        body: { model: 'claude-sonnet-4-5', instructions: 'Be brief.', store: false },
        reasoningSummary: 'auto',
        includeEncryptedReasoning: true,
      },
      0.5,
    );
    expect(encoded).toMatchObject({
      id: 'gen-xyz',
      object: 'response',
      created_at: 1_700_000_001,
      status: 'completed',
      instructions: 'Be brief.',
      model: 'claude-sonnet-4-5',
      store: false,
      incomplete_details: null,
      error: null,
    });
    expect(encoded.output).toEqual([
      { type: 'reasoning', id: 'rs_xyz_0', summary: [{ type: 'summary_text', text: 'plan' }], encrypted_content: 'sig' },
      {
        type: 'message',
        id: 'msg_xyz_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Let me check.', annotations: [], logprobs: [] }],
      },
      { type: 'function_call', id: 'fc_xyz_2', call_id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' },
    ]);
    expect(encoded.usage).toEqual({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 5 },
      total_tokens: 70,
      cost: 0.5,
    });
  });
});

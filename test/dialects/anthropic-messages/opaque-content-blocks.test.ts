import { describe, expect, it } from 'vitest';
import { decodeMessagesRequest } from '../../../src/dialects/anthropic-messages/decode-messages-request.js';
import { MessagesStreamEncoder } from '../../../src/dialects/anthropic-messages/messages-stream-encoder.js';
import { GatewayError } from '../../../src/core/gateway-error.js';
import type { StreamEvent } from '../../../src/core/stream-event.js';

/** Content blocks from Anthropic's documentation that the canonical model does not model. */
const documentBlock = {
  type: 'document',
  source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' },
  title: 'Report',
  citations: { enabled: true },
  cache_control: { type: 'ephemeral' },
};
const searchResultBlock = {
  type: 'search_result',
  source: 'https://docs.example.com/guide',
  title: 'Guide',
  content: [{ type: 'text', text: 'Install with npm.' }],
};
const serverToolUseBlock = { type: 'server_tool_use', id: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE', name: 'web_search', input: { query: 'claude shannon birth date' } };
const webSearchResultBlock = {
  type: 'web_search_tool_result',
  tool_use_id: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE',
  content: [{ type: 'web_search_result', url: 'https://en.wikipedia.org/wiki/Claude_Shannon', title: 'Claude Shannon', encrypted_content: 'EqgfCioIARgBIiQ3YTAw', page_age: 'April 30, 2025' }],
};

function decodeError(body: unknown): GatewayError {
  try {
    decodeMessagesRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeMessagesRequest with blocks the canonical model does not model', () => {
  it('keeps document, search_result, server tool blocks and unknown blocks as opaque parts, untouched', () => {
    const request = decodeMessagesRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Summarise' }, documentBlock, searchResultBlock] },
        { role: 'assistant', content: [serverToolUseBlock, webSearchResultBlock, { type: 'text', text: 'Born 1916.' }] },
        { role: 'user', content: [{ type: 'container_upload', file_id: 'file_011CNha8iCJcU1wXNR6q4V8w' }] },
      ],
    });
    expect(request.messages[1]?.content[1]).toEqual({
      type: 'opaque',
      dialect: 'anthropic-messages',
      blockType: 'document',
      block: documentBlock,
      param: 'messages[0].content[1]',
    });
    expect(request.messages[1]?.content[2]).toMatchObject({ type: 'opaque', blockType: 'search_result', block: searchResultBlock });
    expect(request.messages[2]?.content).toEqual([
      { type: 'opaque', dialect: 'anthropic-messages', blockType: 'server_tool_use', block: serverToolUseBlock, param: 'messages[1].content[0]' },
      { type: 'opaque', dialect: 'anthropic-messages', blockType: 'web_search_tool_result', block: webSearchResultBlock, param: 'messages[1].content[1]' },
      { type: 'text', text: 'Born 1916.' },
    ]);
    expect(request.messages[3]?.content[0]).toMatchObject({ type: 'opaque', blockType: 'container_upload', param: 'messages[2].content[0]' });
  });

  it('keeps the client position of a block that follows a tool result split into its own message', () => {
    const request = decodeMessagesRequest({
      model: 'claude-sonnet-4-5',
      max_tokens: 64,
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }, documentBlock] },
      ],
    });
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(request.messages[3]?.content[0]).toMatchObject({ type: 'opaque', param: 'messages[2].content[1]' });
  });

  it('still validates the blocks it models', () => {
    const malformedText = decodeError({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'text', text: 42 }] }] });
    expect(malformedText.status).toBe(400);
    const imageWithoutSource = decodeError({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ type: 'image' }] }] });
    expect(imageWithoutSource.status).toBe(400);
    const blockWithoutType = decodeError({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: [{ source: {} }] }] });
    expect(blockWithoutType.status).toBe(400);
  });
});

describe('MessagesStreamEncoder with redacted reasoning', () => {
  it('writes a redacted_thinking block whole in its content_block_start, between thinking and text', () => {
    const encoder = new MessagesStreamEncoder({ id: 'gen-1', model: 'claude-sonnet-4-5' });
    const events: StreamEvent[] = [
      { type: 'start' },
      { type: 'reasoning-delta', choiceIndex: 0, text: 'Short answer.' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '', signature: 'EqQBsig' },
      { type: 'reasoning-delta', choiceIndex: 0, text: '', redacted: 'EmwKAhgBEgy3va3pzix' },
      { type: 'text-delta', choiceIndex: 0, text: 'Done.' },
      { type: 'finish', choiceIndex: 0, finishReason: { unified: 'stop', raw: 'end_turn' } },
    ];
    let output = '';
    for (const event of events) output += encoder.encode(event);
    output += encoder.finish();
    const frames = output
      .trim()
      .split('\n\n')
      .map((frame) => JSON.parse(frame.split('\ndata: ')[1] ?? 'null') as Record<string, unknown>);
    const blockEvents = frames.filter((frame) => String(frame.type).startsWith('content_block'));
    expect(blockEvents).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Short answer.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQBsig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'EmwKAhgBEgy3va3pzix' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Done.' } },
      { type: 'content_block_stop', index: 2 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeChatRequest } from '../../src/dialects/openai-chat/decode-chat-request.js';
import { estimatePromptTokens } from '../../src/metering/estimate-tokens.js';
import { promptSizeOf } from '../../src/metering/prompt-size.js';

const texts = {
  english: 'The quick brown fox jumps over the lazy dog. '.repeat(40),
  code: 'function add(a, b) {\n  return a + b; // sum\n}\n'.repeat(30),
  chinese: '我们今天讨论分布式系统的一致性问题。'.repeat(30),
  emoji: '🚀🔥✨👍🏽'.repeat(50),
  digits: '3141592653589793238462643383279502884197'.repeat(20),
  whitespace: ' \n\t '.repeat(100),
  special: '<|endoftext|><|im_start|>',
};

describe('promptSizeOf', () => {
  it.each(Object.entries(texts))('bounds the exact count from above (%s)', (_name, text) => {
    const request = decodeChatRequest({
      model: 'm',
      messages: [
        { role: 'system', content: text },
        { role: 'user', name: 'ana', content: [{ type: 'text', text }] },
      ],
      tools: [{ type: 'function', function: { name: 'lookup', description: text.slice(0, 80), parameters: { type: 'object', properties: { q: { type: 'string', enum: ['a', text.slice(0, 20)] } } } } }],
    });
    const size = promptSizeOf(request);
    expect(size.exact()).toBe(estimatePromptTokens(request));
    expect(size.atMost()).toBeGreaterThanOrEqual(size.exact());
  });

  it('never counts with the tokenizer when only the bound is asked', () => {
    const request = decodeChatRequest({ model: 'm', messages: [{ role: 'user', content: 'héllo' }] });
    // 3 (priming) + 3 (framing) + 4 bytes of "user" + 6 bytes of "héllo".
    expect(promptSizeOf(request).atMost()).toBe(16);
  });
});

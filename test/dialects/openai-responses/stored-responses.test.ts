import { describe, expect, it } from 'vitest';
import { StoredResponses } from '../../../src/dialects/openai-responses/stored-responses.js';
import type { Message } from '../../../src/core/chat-request.js';

const conversation: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];

describe('StoredResponses', () => {
  it('gives a response back to its owner only', () => {
    const stored = new StoredResponses();
    stored.save('gen-1', 'acct-a', conversation);
    expect(stored.load('gen-1', 'acct-a')).toEqual(conversation);
    expect(() => stored.load('gen-1', 'acct-b')).toThrow(/not found/);
    expect(() => stored.load('gen-2', 'acct-a')).toThrow(/not found/);
  });

  it('forgets responses older than the retention', () => {
    let now = 1000;
    const stored = new StoredResponses({ retentionMs: 500, now: () => now });
    stored.save('gen-1', 'acct-a', conversation);
    now = 1500;
    expect(stored.load('gen-1', 'acct-a')).toEqual(conversation);
    now = 1501;
    expect(() => stored.load('gen-1', 'acct-a')).toThrow(/not found/);
    expect(stored.size).toBe(0);
  });

  it('forgets the oldest beyond its bound', () => {
    const stored = new StoredResponses({ maxEntries: 2 });
    stored.save('gen-1', 'a', conversation);
    stored.save('gen-2', 'a', conversation);
    stored.save('gen-3', 'a', conversation);
    expect(stored.size).toBe(2);
    expect(() => stored.load('gen-1', 'a')).toThrow(/not found/);
    expect(stored.load('gen-3', 'a')).toEqual(conversation);
  });
});

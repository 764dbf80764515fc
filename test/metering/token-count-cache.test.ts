import { describe, expect, it } from 'vitest';
import { TokenCountCache } from '../../src/metering/token-count-cache.js';
import { countPromptTextTokens, countTextTokens } from '../../src/metering/estimate-tokens.js';

function countingTokenizer() {
  const counted: string[] = [];
  return {
    counted,
    count: (text: string) => {
      counted.push(text);
      return text.split(' ').length;
    },
  };
}

describe('TokenCountCache', () => {
  it('counts a text once and answers repeats from memory, with the same count', () => {
    const tokenizer = countingTokenizer();
    const cache = new TokenCountCache(tokenizer.count, 1_000);
    expect(cache.tokens('one two three')).toBe(3);
    expect(cache.tokens('one two three')).toBe(3);
    // An equal text built separately (as JSON parsing builds it per request) is found too.
    expect(cache.tokens(['one', 'two', 'three'].join(' '))).toBe(3);
    expect(tokenizer.counted).toEqual(['one two three']);
  });

  it('keeps at most its character budget, dropping the least recently used texts first', () => {
    const tokenizer = countingTokenizer();
    const cache = new TokenCountCache(tokenizer.count, 30, 30);
    const first = 'a'.repeat(10);
    const second = 'b'.repeat(10);
    const third = 'c'.repeat(10);
    cache.tokens(first);
    cache.tokens(second);
    cache.tokens(third);
    cache.tokens(first); // now the most recently used
    cache.tokens('d'.repeat(10)); // over budget: `second` goes
    expect(cache.size).toEqual({ texts: 3, characters: 30 });
    tokenizer.counted.length = 0;
    cache.tokens(first);
    cache.tokens(third);
    expect(tokenizer.counted).toEqual([]);
    cache.tokens(second);
    expect(tokenizer.counted).toEqual([second]);
  });

  it('evicts exactly as a plain least-recently-used list would, over many mixed lookups', () => {
    const tokenizer = countingTokenizer();
    const cache = new TokenCountCache(tokenizer.count, 120, 40);
    // The model: texts in order of use, oldest first, dropped from the front past the budget.
    const model: string[] = [];
    const modelCounted: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pool = Array.from({ length: 30 }, (_, index) => `t${index} ${'x'.repeat(Math.floor(random() * 50))}`);
    for (let step = 0; step < 5_000; step++) {
      const text = `${pool[Math.floor(random() * pool.length)]!}`;
      const at = model.indexOf(text);
      if (at >= 0) {
        model.splice(at, 1);
        model.push(text);
      } else {
        modelCounted.push(text);
        if (text.length <= 40) {
          model.push(text);
          while (model.reduce((sum, kept) => sum + kept.length, 0) > 120) model.shift();
        }
      }
      expect(cache.tokens(text)).toBe(text.split(' ').length);
    }
    expect(tokenizer.counted).toEqual(modelCounted);
    expect(cache.size).toEqual({ texts: model.length, characters: model.reduce((sum, kept) => sum + kept.length, 0) });
  });

  it('counts texts longer than its per-text limit every time without keeping them', () => {
    const tokenizer = countingTokenizer();
    const cache = new TokenCountCache(tokenizer.count, 100, 20);
    const long = 'word '.repeat(10);
    cache.tokens(long);
    cache.tokens(long);
    expect(tokenizer.counted).toHaveLength(2);
    expect(cache.size).toEqual({ texts: 0, characters: 0 });
  });
});

describe('countPromptTextTokens', () => {
  it('gives the tokenizer’s count for first and repeated texts', () => {
    const text = `You are a careful assistant. ${'Answer briefly. '.repeat(20)}`;
    const exact = countTextTokens(text);
    expect(countPromptTextTokens(text)).toBe(exact);
    expect(countPromptTextTokens(`${text}`)).toBe(exact);
    expect(countPromptTextTokens('')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { boundedEditDistance, nameTokens, NameSuggester } from '../../src/catalog/did-you-mean.js';

describe('boundedEditDistance', () => {
  it('computes Levenshtein distance within the limit', () => {
    expect(boundedEditDistance('kitten', 'sitting', 5)).toBe(3);
    expect(boundedEditDistance('', 'abc', 5)).toBe(3);
    expect(boundedEditDistance('same', 'same', 0)).toBe(0);
    expect(boundedEditDistance('x'.repeat(100), 'y'.repeat(100), 200)).toBe(100);
  });

  it('answers limit + 1 once the distance is known to exceed the limit', () => {
    expect(boundedEditDistance('kitten', 'sitting', 2)).toBe(3);
    expect(boundedEditDistance('a', 'abcdefgh', 3)).toBe(4);
  });
});

describe('nameTokens', () => {
  it('splits at separators and between letters and digits', () => {
    expect([...nameTokens('Claude-Sonnet-4.5')]).toEqual(['claude', 'sonnet', '4', '5']);
    expect([...nameTokens('gpt4o-mini')]).toEqual(['gpt', '4', 'o', 'mini']);
  });
});

describe('NameSuggester', () => {
  const suggester = new NameSuggester([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-mini', 'gpt-4o-mini'],
    ['gpt-4.1', 'gpt-4.1'],
    ['claude-sonnet-4-5', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['llama-3.3-70b', 'llama-3.3-70b'],
    ['llama-3.1-8b', 'llama-3.1-8b'],
  ]);

  it('ranks the closest spelling first and names each id once', () => {
    expect(suggester.suggest('gpt-4o-mni')).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(suggester.suggest('claude-sonnet-4-5-2025')).toEqual(['claude-sonnet-4-5']);
  });

  it('finds names sharing words when spellings differ', () => {
    expect(suggester.suggest('llama', 5)).toEqual(['llama-3.1-8b', 'llama-3.3-70b']);
  });

  it('gives nothing for names too far or too long', () => {
    expect(suggester.suggest('mistral-large')).toEqual([]);
    expect(suggester.suggest('gpt-4o'.repeat(40))).toEqual([]);
  });
});

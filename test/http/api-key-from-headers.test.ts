import { describe, expect, it } from 'vitest';
import { apiKeyFromHeaders } from '../../src/http/api-key-from-headers.js';

/** The definition: the expression on the trimmed header, its capture trimmed. */
function byExpression(authorization: string): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match ? match[1]!.trim() : undefined;
}

describe('apiKeyFromHeaders', () => {
  it('reads the key of a plain bearer header', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer sk-sy-abc_DEF-123' })).toBe('sk-sy-abc_DEF-123');
  });

  it('reads other spellings as the expression does: spacing, case, tabs', () => {
    expect(apiKeyFromHeaders({ authorization: '  bearer   sk-1  ' })).toBe('sk-1');
    expect(apiKeyFromHeaders({ authorization: 'BEARER\tsk-2' })).toBe('sk-2');
    expect(apiKeyFromHeaders({ authorization: 'Bearer sk 3' })).toBe('sk 3');
  });

  it('falls back to x-api-key and x-goog-api-key when there is no bearer token', () => {
    expect(apiKeyFromHeaders({ authorization: 'Basic abc', 'x-api-key': ' sk-ant ' })).toBe('sk-ant');
    expect(apiKeyFromHeaders({ authorization: 'Bearer ', 'x-goog-api-key': 'AIza' })).toBe('AIza');
    expect(apiKeyFromHeaders({})).toBeUndefined();
  });

  it('agrees with the expression on 20,000 generated headers', () => {
    const pieces = ['Bearer', 'bearer', 'Bearer ', ' ', '  ', '\t', '\u00a0', '\n', 'sk-', 'a', 'Z', '9', '_', '-', '.', '~', '"', 'é', '\u2028', ''];
    let seed = 99;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let count = 0; count < 20_000; count += 1) {
      let header = random() < 0.7 ? 'Bearer ' : '';
      const length = Math.floor(random() * 8);
      for (let index = 0; index < length; index += 1) header += pieces[Math.floor(random() * pieces.length)];
      const expected = byExpression(header);
      const got = apiKeyFromHeaders({ authorization: header });
      if (expected !== undefined && got !== expected) expect(got, JSON.stringify(header)).toBe(expected);
      if (expected === undefined && got !== undefined) expect(got, JSON.stringify(header)).toBeUndefined();
    }
  });
});

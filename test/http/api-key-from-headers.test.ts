import { describe, expect, it } from 'vitest';
import { apiKeyFromHeaders } from '../../src/http/api-key-from-headers.js';

describe('apiKeyFromHeaders', () => {
  it('reads the key of a plain bearer header', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer sk-sy-abc_DEF-123' })).toBe('sk-sy-abc_DEF-123');
  });

  it('reads other spellings: spacing, case, tabs', () => {
    expect(apiKeyFromHeaders({ authorization: '  bearer   sk-1  ' })).toBe('sk-1');
    expect(apiKeyFromHeaders({ authorization: 'BEARER\tsk-2' })).toBe('sk-2');
    expect(apiKeyFromHeaders({ authorization: 'Bearer sk 3' })).toBe('sk 3');
  });

  it('falls back to x-api-key and x-goog-api-key when there is no bearer token', () => {
    expect(apiKeyFromHeaders({ authorization: 'Basic abc', 'x-api-key': ' sk-ant ' })).toBe('sk-ant');
    expect(apiKeyFromHeaders({ authorization: 'Bearer ', 'x-goog-api-key': 'AIza' })).toBe('AIza');
    expect(apiKeyFromHeaders({})).toBeUndefined();
  });
});

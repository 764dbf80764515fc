import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../../src/accounts/api-key-format.js';

describe('API key format', () => {
  it('hashes a key as the hex SHA-256 of its text, which stored keys were looked up by', () => {
    // Computed with `printf 'sk-sy-known-test-key' | sha256sum`.
    expect(hashApiKey('sk-sy-known-test-key')).toBe('118331571c8eb6e500d2911ea90e6e04ff796878aa6e752f27699d6de5ad6cac');
  });

  it('makes keys that carry the prefix, show their first 12 characters, and store only the hash', () => {
    const material = generateApiKey();
    expect(material.key).toMatch(/^sk-sy-[A-Za-z0-9_-]{43}$/);
    expect(material.prefix).toBe(material.key.slice(0, 12));
    expect(material.hash).toBe(hashApiKey(material.key));
    expect(material.hash).not.toContain(material.key.slice(6));
  });
});

import { describe, expect, it } from 'vitest';
import { newGenerationId } from '../../src/pipeline/generation-id.js';

describe('generation ids', () => {
  it('are unique across many more ids than one random pool holds', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newGenerationId()));
    expect(ids.size).toBe(5000);
  });

  it('sort by creation time and are safe in a URL path', () => {
    const earlier = newGenerationId(1_700_000_000_000);
    const later = newGenerationId(1_700_000_000_001);
    expect(earlier < later).toBe(true);
    expect(later).toMatch(/^gen-[0-9a-z]+[A-Za-z0-9_-]{16}$/);
  });

  it('carry 12 random bytes each, none shared between ids of one millisecond', () => {
    const now = 1_700_000_000_123;
    const parts = Array.from({ length: 1_200 }, () => newGenerationId(now).slice(`gen-${now.toString(36)}`.length));
    for (const part of parts) expect(Buffer.from(part, 'base64url')).toHaveLength(12);
    expect(new Set(parts).size).toBe(parts.length);
  });
});

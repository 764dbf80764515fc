import { describe, expect, it } from 'vitest';
import type { SnapshotLifecycle, SnapshotModel } from '../../src/catalog/catalog-snapshot.js';
import { minimalModel } from '../../src/catalog/sync/apply-lifecycle.js';
import { modelStatus } from '../../src/catalog/model-status.js';

const lifecycle = (fields: Partial<SnapshotLifecycle>): SnapshotLifecycle => ({
  announced: null,
  retiresAt: null,
  retiresAtPrecision: null,
  replacement: null,
  replacementNote: null,
  notes: null,
  platforms: [],
  source: null,
  ...fields,
});

const model = (fields: Partial<SnapshotModel>): SnapshotModel => ({ ...minimalModel('m', 'openai'), ...fields });

describe('modelStatus with a fixed clock', () => {
  const retiring = model({ lifecycle: lifecycle({ announced: '2025-09-26', retiresAt: '2026-03-26', retiresAtPrecision: 'day', replacement: 'gpt-5' }) });

  it('is deprecated before the retirement date and retired from that day on', () => {
    expect(modelStatus(retiring, new Date('2026-03-25T23:59:59Z'))).toBe('deprecated');
    expect(modelStatus(retiring, new Date('2026-03-26T00:00:00Z'))).toBe('retired');
    expect(modelStatus(retiring, new Date('2027-01-01T00:00:00Z'))).toBe('retired');
  });

  it('ignores lifecycles that only carry other platforms\u2019 dates', () => {
    const platformOnly = model({ lifecycle: lifecycle({ platforms: [{ via: 'vertex-ai', retiresAt: '2026-10-20', source: null }] }) });
    expect(modelStatus(platformOnly, new Date('2026-01-01T00:00:00Z'))).toBe('active');
  });

  it('reports preview, coming soon and active from flags and the release date', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(modelStatus(model({ preview: true }), now)).toBe('preview');
    expect(modelStatus(model({ releaseDate: '2026-06-02' }), now)).toBe('coming_soon');
    expect(modelStatus(model({ releaseDate: '2026-06-01' }), now)).toBe('active');
  });

  it("is deprecated when the creator's own offer is flagged so", () => {
    const offer = { upstreamId: 'm', price: { input: 1 }, contextWindow: null, maxOutputTokens: null };
    const flagged = model({ offers: [{ ...offer, provider: 'openai', flag: 'deprecated' }, { ...offer, provider: 'azure', flag: null }] });
    const resellerOnly = model({ offers: [{ ...offer, provider: 'openai', flag: null }, { ...offer, provider: 'azure', flag: 'deprecated' }] });
    expect(modelStatus(flagged, new Date('2026-01-01T00:00:00Z'))).toBe('deprecated');
    expect(modelStatus(resellerOnly, new Date('2026-01-01T00:00:00Z'))).toBe('active');
  });
});

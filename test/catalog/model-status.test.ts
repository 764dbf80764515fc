import { describe, expect, it } from 'vitest';
import { modelStatus } from '../../src/catalog/model-status.js';
import { fixtureCatalog, fixtureModel, fixtureOffer } from './catalog-fixtures.js';

const NOW = new Date('2025-11-25T12:00:00Z');

describe('modelStatus', () => {
  const catalog = fixtureCatalog();
  const status = (id: string, now = NOW) => modelStatus(catalog.get(id)!, now);

  it('computes each status from the dates and flags', () => {
    expect(status('gpt-4o')).toBe('active');
    expect(status('gpt-4-0314')).toBe('retired');
    expect(status('claude-3-opus-20240229')).toBe('deprecated');
    expect(status('gemini-3-pro-preview')).toBe('preview');
    expect(status('orion-2')).toBe('coming_soon');
  });

  it('turns retired at the retirement date, not before', () => {
    expect(status('claude-3-opus-20240229', new Date('2026-01-04T23:59:59Z'))).toBe('deprecated');
    expect(status('claude-3-opus-20240229', new Date('2026-01-05T00:00:00Z'))).toBe('retired');
  });

  it('takes a month-precision date as the start of that month', () => {
    const model = fixtureModel('old-model', {
      lifecycle: { announced: null, retiresAt: '2025-12', retiresAtPrecision: 'month', replacement: null, replacementNote: null, notes: null, platforms: [], source: null },
    });
    expect(modelStatus(model, NOW)).toBe('deprecated');
    expect(modelStatus(model, new Date('2025-12-01T00:00:00Z'))).toBe('retired');
  });

  it("deprecates on the creator's own flag, or when every provider flags it", () => {
    const creatorFlag = fixtureModel('a', { offers: [fixtureOffer('openai', 'a', null, { flag: 'deprecated' }), fixtureOffer('azure', 'a', null)] });
    const oneReseller = fixtureModel('b', { offers: [fixtureOffer('openai', 'b', null), fixtureOffer('azure', 'b', null, { flag: 'deprecated' })] });
    const everyReseller = fixtureModel('c', { creator: 'meta', offers: [fixtureOffer('groq', 'c', null, { flag: 'deprecated' })] });
    expect(modelStatus(creatorFlag, NOW)).toBe('deprecated');
    expect(modelStatus(oneReseller, NOW)).toBe('active');
    expect(modelStatus(everyReseller, NOW)).toBe('deprecated');
  });

  it("marks preview from the model's flag or the creator's beta/alpha offer", () => {
    expect(modelStatus(fixtureModel('d', { offers: [fixtureOffer('openai', 'd', null, { flag: 'beta' })] }), NOW)).toBe('preview');
    expect(modelStatus(fixtureModel('e', { offers: [fixtureOffer('azure', 'e', null, { flag: 'alpha' })] }), NOW)).toBe('active');
  });
});

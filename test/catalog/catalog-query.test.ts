import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/index.js';
import { isDefaultCatalogQuery, parseCatalogQuery, queryCatalog, type CatalogQueryParameters } from '../../src/catalog/catalog-query.js';
import { fixtureCatalog } from './catalog-fixtures.js';

const NOW = new Date('2025-11-25T12:00:00Z');
const catalog = fixtureCatalog();
const ids = (parameters: CatalogQueryParameters, now = NOW) => queryCatalog(catalog, parameters, now).models.map((model) => model.id);

describe('queryCatalog filters', () => {
  it('returns everything in catalog order without parameters', () => {
    const result = queryCatalog(catalog, {}, NOW);
    expect(result.models.map((model) => model.id)).toEqual(catalog.list().map((model) => model.id));
    expect(result).toMatchObject({ total: catalog.size, limit: null, offset: 0 });
  });

  it('q matches id, name, family and creator, case-insensitively, every word', () => {
    expect(ids({ q: 'GPT-4' })).toEqual(['gpt-4o', 'gpt-4-0613', 'gpt-4-0314']);
    expect(ids({ q: 'sonnet 4.5' })).toEqual(['claude-sonnet-4-5']);
    expect(ids({ q: 'llama' })).toEqual(['llama-3.3-70b']);
    expect(ids({ q: 'anthropic' })).toEqual(['claude-sonnet-4-5', 'claude-3-opus-20240229']);
    expect(ids({ q: 'gemini-flash' })).toEqual(['gemini-2.5-flash']);
    expect(ids({ q: 'claude nothing' })).toEqual([]);
  });

  it('provider matches the creator or any offer', () => {
    expect(ids({ provider: 'anthropic' })).toEqual(['claude-sonnet-4-5', 'claude-3-opus-20240229']);
    expect(ids({ provider: 'openrouter' })).toEqual(['gpt-4o', 'claude-sonnet-4-5']);
    expect(ids({ provider: 'meta' })).toEqual(['llama-3.3-70b']);
    expect(ids({ provider: 'Groq' })).toEqual(['llama-3.3-70b']);
    expect(ids({ provider: 'nobody' })).toEqual([]);
  });

  it('modality matches input or output modalities', () => {
    expect(ids({ modality: 'image' })).toEqual(['gpt-4o', 'gpt-5', 'claude-sonnet-4-5', 'gemini-2.5-flash', 'dall-e-3']);
    expect(ids({ modality: 'audio' })).toEqual(['gemini-2.5-flash']);
    expect(ids({ modality: 'pdf' })).toEqual(['claude-sonnet-4-5']);
  });

  it('status is computed at the given time', () => {
    expect(ids({ status: 'retired' })).toEqual(['gpt-4-0314']);
    expect(ids({ status: 'deprecated' })).toEqual(['claude-3-opus-20240229']);
    expect(ids({ status: 'preview' })).toEqual(['gemini-3-pro-preview']);
    expect(ids({ status: 'coming_soon' })).toEqual(['orion-2']);
    expect(ids({ status: 'retired' }, new Date('2026-02-01T00:00:00Z'))).toEqual(['gpt-4-0314', 'claude-3-opus-20240229']);
    expect(ids({ status: 'active' })).not.toContain('gpt-4-0314');
  });

  it('capability keeps the models that have it', () => {
    expect(ids({ capability: 'reasoning' })).toEqual(['gpt-5', 'claude-sonnet-4-5', 'gemini-2.5-flash']);
    expect(ids({ capability: 'json_output' })).toEqual(['gpt-4o', 'gpt-5', 'gemini-2.5-flash']);
    expect(ids({ capability: 'vision' })).toEqual(['gpt-4o', 'gpt-5', 'claude-sonnet-4-5', 'gemini-2.5-flash']);
    expect(ids({ capability: 'tools', provider: 'anthropic' })).toEqual(['claude-sonnet-4-5']);
  });
});

describe('queryCatalog sorting and paging', () => {
  it('sorts by our input price, cheapest first, unpriced last in either order', () => {
    const ascending = ids({ sort: 'price' });
    expect(ascending.slice(0, 4)).toEqual(['gemini-2.5-flash', 'gpt-5', 'gemini-3-pro-preview', 'gpt-4o']);
    expect(ascending.slice(-2)).toEqual(['dall-e-3', 'llama-3.3-70b']);
    const descending = ids({ sort: 'price', order: 'desc' });
    expect(descending.slice(0, 2)).toEqual(['gpt-4-0314', 'gpt-4-0613']);
    expect(descending.slice(-2)).toEqual(['dall-e-3', 'llama-3.3-70b']);
  });

  it('sorts by price through the given price lookup', () => {
    const cheapLlama = (modelId: string) => (modelId === 'llama-3.3-70b' ? { input: 0.01 } : catalog.get(modelId)?.officialPrice ?? null);
    expect(queryCatalog(catalog, { sort: 'price' }, NOW, cheapLlama).models[0]?.id).toBe('llama-3.3-70b');
  });

  it('sorts by context window, largest first by default', () => {
    expect(ids({ sort: 'context' }).slice(0, 3)).toEqual(['gemini-2.5-flash', 'gemini-3-pro-preview', 'gpt-5']);
    expect(ids({ sort: 'context', order: 'asc' }).slice(0, 3)).toEqual(['gpt-4-0314', 'gpt-4-0613', 'gpt-4o']);
  });

  it('sorts by release date, newest first by default', () => {
    expect(ids({ sort: 'release_date' }).slice(0, 3)).toEqual(['orion-2', 'gemini-3-pro-preview', 'claude-sonnet-4-5']);
    expect(ids({ sort: 'release_date', order: 'asc' })[0]).toBe('gpt-4-0314');
  });

  it('sorts by name, A to Z by default', () => {
    expect(ids({ sort: 'name' }).slice(0, 3)).toEqual(['claude-3-opus-20240229', 'claude-sonnet-4-5', 'dall-e-3']);
    expect(ids({ sort: 'name', order: 'DESC' })[0]).toBe('orion-2');
  });

  it('pages after filtering and sorting, and reports the total', () => {
    const page = queryCatalog(catalog, { sort: 'name', limit: '2', offset: '1' }, NOW);
    expect(page.models.map((model) => model.id)).toEqual(['claude-sonnet-4-5', 'dall-e-3']);
    expect(page).toMatchObject({ total: catalog.size, limit: 2, offset: 1 });
    expect(queryCatalog(catalog, { offset: 10 }, NOW).models.map((model) => model.id)).toEqual(['orion-2']);
    expect(queryCatalog(catalog, { limit: 0 }, NOW)).toMatchObject({ models: [], total: catalog.size });
    expect(queryCatalog(catalog, { provider: 'google', limit: 5, offset: 5 }, NOW)).toMatchObject({ models: [], total: 2 });
  });
});

describe('parseCatalogQuery validation', () => {
  const rejects = (parameters: CatalogQueryParameters, param: string) => {
    try {
      parseCatalogQuery(parameters);
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('invalid_request');
      expect((error as GatewayError).status).toBe(400);
      expect((error as GatewayError).details.param).toBe(param);
      return;
    }
    throw new Error(`accepted ${JSON.stringify(parameters)}`);
  };

  it('rejects values outside the allowed sets', () => {
    rejects({ status: 'gone' }, 'status');
    rejects({ capability: 'telepathy' }, 'capability');
    rejects({ sort: 'popularity' }, 'sort');
    rejects({ order: 'up' }, 'order');
  });

  it('rejects bad numbers and repeated parameters', () => {
    rejects({ limit: '-1' }, 'limit');
    rejects({ limit: 'ten' }, 'limit');
    rejects({ limit: '1.5' }, 'limit');
    rejects({ offset: '1e3' }, 'offset');
    rejects({ status: ['active', 'retired'] }, 'status');
    rejects({ q: 'x'.repeat(201) }, 'q');
  });

  it('treats empty values as absent and recognises the default query', () => {
    const query = parseCatalogQuery({ q: '', status: '', limit: '' });
    expect(isDefaultCatalogQuery(query)).toBe(true);
    expect(isDefaultCatalogQuery(parseCatalogQuery({ order: 'desc' }))).toBe(true);
    expect(isDefaultCatalogQuery(parseCatalogQuery({ offset: '1' }))).toBe(false);
    expect(parseCatalogQuery({ status: 'Coming_Soon', capability: 'TOOLS' })).toMatchObject({ status: 'coming_soon', capability: 'tools' });
  });
});

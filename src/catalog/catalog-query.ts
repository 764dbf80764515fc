import { GatewayError } from '../core/index.js';
import type { SnapshotModel, SnapshotPrice } from './catalog-snapshot.js';
import type { ModelCatalog } from './model-catalog.js';
import { modelStatus, parseCatalogDate, type CatalogModelStatus } from './model-status.js';

export const CATALOG_STATUSES: readonly CatalogModelStatus[] = ['active', 'preview', 'deprecated', 'retired', 'coming_soon'];
export const CATALOG_CAPABILITIES = ['tools', 'vision', 'json_output', 'reasoning'] as const;
export const CATALOG_SORTS = ['price', 'context', 'release_date', 'name'] as const;
export const CATALOG_ORDERS = ['asc', 'desc'] as const;

export type CatalogCapability = (typeof CATALOG_CAPABILITIES)[number];
export type CatalogSort = (typeof CATALOG_SORTS)[number];
export type CatalogOrder = (typeof CATALOG_ORDERS)[number];

/** The query parameters as they arrive (strings from a URL, or numbers from code). */
export type CatalogQueryParameters = Partial<Record<'q' | 'provider' | 'modality' | 'status' | 'capability' | 'sort' | 'order' | 'limit' | 'offset', unknown>>;

export interface CatalogQuery {
  /** Lower-case words; each must appear in the id, name, family or creator. */
  terms: string[];
  provider: string | null;
  modality: string | null;
  status: CatalogModelStatus | null;
  capability: CatalogCapability | null;
  sort: CatalogSort | null;
  order: CatalogOrder;
  limit: number | null;
  offset: number;
}

export interface CatalogQueryResult {
  models: SnapshotModel[];
  /** Matches before paging. */
  total: number;
  limit: number | null;
  offset: number;
}

/** Our price of a model (no provider: its default price); used to sort by `price`. */
export type OurPriceLookup = (modelId: string, provider: string | null) => SnapshotPrice | null;

// Without an explicit order: cheapest, largest context, newest first; names A to Z.
const DEFAULT_ORDER: Record<CatalogSort, CatalogOrder> = { price: 'asc', context: 'desc', release_date: 'desc', name: 'asc' };

const CAPABILITY_FIELD: Record<CatalogCapability, keyof SnapshotModel['capabilities']> = {
  tools: 'tools',
  vision: 'vision',
  json_output: 'jsonOutput',
  reasoning: 'reasoning',
};

const nameCollator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Validates query parameters; a bad value is an `invalid_request` naming the parameter. */
export function parseCatalogQuery(parameters: CatalogQueryParameters): CatalogQuery {
  const q = text(parameters, 'q');
  const sort = oneOf(parameters, 'sort', CATALOG_SORTS);
  const order = oneOf(parameters, 'order', CATALOG_ORDERS);
  const provider = text(parameters, 'provider');
  const modality = text(parameters, 'modality');
  return {
    terms: q === null ? [] : q.toLowerCase().split(/\s+/).filter((term) => term !== ''),
    provider: provider === null ? null : provider.toLowerCase(),
    modality: modality === null ? null : modality.toLowerCase(),
    status: oneOf(parameters, 'status', CATALOG_STATUSES),
    capability: oneOf(parameters, 'capability', CATALOG_CAPABILITIES),
    sort,
    order: order ?? (sort === null ? 'asc' : DEFAULT_ORDER[sort]),
    limit: wholeNumber(parameters, 'limit'),
    offset: wholeNumber(parameters, 'offset') ?? 0,
  };
}

/** No filter, no sort, no paging: the whole catalog in its own order (the answer worth caching). */
export function isDefaultCatalogQuery(query: CatalogQuery): boolean {
  return (
    query.terms.length === 0 &&
    query.provider === null &&
    query.modality === null &&
    query.status === null &&
    query.capability === null &&
    query.sort === null &&
    query.limit === null &&
    query.offset === 0
  );
}

/**
 * Filters, sorts and pages the catalog. `ourPrice` orders `sort=price`; without it, the
 * configured price or else the official one (the same order a uniform markup gives).
 */
export function queryCatalog(catalog: ModelCatalog, parameters: CatalogQueryParameters, now: Date, ourPrice?: OurPriceLookup): CatalogQueryResult {
  return runCatalogQuery(catalog, parseCatalogQuery(parameters), now, ourPrice);
}

export function runCatalogQuery(catalog: ModelCatalog, query: CatalogQuery, now: Date, ourPrice?: OurPriceLookup): CatalogQueryResult {
  let models = catalog.list().filter((model) => matches(model, query, now));
  if (query.sort !== null) {
    const priceOf = ourPrice ?? ((modelId: string) => catalog.priceOverride(modelId, null) ?? catalog.get(modelId)?.officialPrice ?? null);
    models = sortModels(models, query.sort, query.order, priceOf);
  }
  const total = models.length;
  const end = query.limit === null ? undefined : query.offset + query.limit;
  if (query.offset > 0 || end !== undefined) models = models.slice(query.offset, end);
  return { models, total, limit: query.limit, offset: query.offset };
}

function matches(model: SnapshotModel, query: CatalogQuery, now: Date): boolean {
  if (query.terms.length > 0) {
    const haystack = `${model.id}\n${model.name}\n${model.family ?? ''}\n${model.creator}`.toLowerCase();
    if (!query.terms.every((term) => haystack.includes(term))) return false;
  }
  if (query.provider !== null && model.creator !== query.provider && !model.offers.some((offer) => offer.provider === query.provider)) {
    return false;
  }
  if (query.modality !== null && !model.modalities.input.includes(query.modality) && !model.modalities.output.includes(query.modality)) {
    return false;
  }
  if (query.capability !== null && !model.capabilities[CAPABILITY_FIELD[query.capability]]) return false;
  if (query.status !== null && modelStatus(model, now) !== query.status) return false;
  return true;
}

function sortModels(models: SnapshotModel[], sort: CatalogSort, order: CatalogOrder, priceOf: OurPriceLookup): SnapshotModel[] {
  const direction = order === 'asc' ? 1 : -1;
  if (sort === 'name') {
    return models.sort((left, right) => direction * (nameCollator.compare(left.name, right.name) || compareIds(left, right)));
  }
  const keyOf = (model: SnapshotModel): number | null => {
    if (sort === 'price') return priceOf(model.id, null)?.input ?? null;
    if (sort === 'context') return model.contextWindow;
    return parseCatalogDate(model.releaseDate);
  };
  const keyed = models.map((model) => ({ model, key: keyOf(model) }));
  // Models without the value sort last in either order; ties by id keep the answer stable.
  keyed.sort((left, right) => {
    if (left.key === null || right.key === null) {
      if (left.key === right.key) return compareIds(left.model, right.model);
      return left.key === null ? 1 : -1;
    }
    return direction * (left.key - right.key) || compareIds(left.model, right.model);
  });
  return keyed.map((entry) => entry.model);
}

function compareIds(left: SnapshotModel, right: SnapshotModel): number {
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

function single(parameters: CatalogQueryParameters, name: keyof CatalogQueryParameters): string | null {
  const value = parameters[name];
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) {
    throw new GatewayError('invalid_request', `Query parameter '${name}' may be given only once.`, { param: name });
  }
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new GatewayError('invalid_request', `Query parameter '${name}' must be a string.`, { param: name });
  }
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}

function text(parameters: CatalogQueryParameters, name: keyof CatalogQueryParameters): string | null {
  const value = single(parameters, name);
  if (value !== null && value.length > 200) {
    throw new GatewayError('invalid_request', `Query parameter '${name}' is too long (200 characters at most).`, { param: name });
  }
  return value;
}

function oneOf<T extends string>(parameters: CatalogQueryParameters, name: keyof CatalogQueryParameters, allowed: readonly T[]): T | null {
  const value = single(parameters, name);
  if (value === null) return null;
  const lower = value.toLowerCase();
  const found = allowed.find((candidate) => candidate === lower);
  if (found === undefined) {
    throw new GatewayError('invalid_request', `Query parameter '${name}' must be one of: ${allowed.join(', ')} (got '${value}').`, { param: name });
  }
  return found;
}

function wholeNumber(parameters: CatalogQueryParameters, name: keyof CatalogQueryParameters): number | null {
  const value = single(parameters, name);
  if (value === null) return null;
  const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) {
    throw new GatewayError('invalid_request', `Query parameter '${name}' must be a whole number, zero or more (got '${value}').`, { param: name });
  }
  return number;
}

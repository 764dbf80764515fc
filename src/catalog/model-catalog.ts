import { blankModel } from './blank-model.js';
import type { CatalogSnapshot, SnapshotModel, SnapshotOffer, SnapshotPrice, SnapshotProvider } from './catalog-snapshot.js';
import { NameSuggester } from './did-you-mean.js';
import { splitDatedName, type DatedName } from './undated-name.js';

/** USD per 1M tokens (per image / per request where named). */
export interface CatalogPriceOverride {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
  image?: number;
  request?: number;
}

/**
 * A model from the config file: new to the catalog, or an override of a snapshot model as offered
 * by `provider` (its price there, and its limits). The same id may be configured once per provider.
 */
export interface CatalogModelAddition {
  id: string;
  provider: string;
  name?: string;
  pricing?: CatalogPriceOverride;
  contextWindow?: number;
  maxOutputTokens?: number;
}

export interface ResolvedModel {
  model: SnapshotModel;
  /** Set when the name was one provider's own upstream id for the model: that provider. */
  offerProvider: string | null;
}

export interface ProviderOffer {
  model: SnapshotModel;
  offer: SnapshotOffer;
}

/**
 * The models the gateway knows: the synced snapshot plus the config file's additions, indexed
 * for O(1) lookups. Immutable once built; a config reload builds a new one.
 */
export class ModelCatalog {
  readonly sourcesDate: string | null;
  private readonly models: SnapshotModel[];
  private readonly byId = new Map<string, SnapshotModel>();
  private readonly byAlias = new Map<string, SnapshotModel>();
  private readonly byUpstreamId = new Map<string, ResolvedModel>();
  private readonly providerList: SnapshotProvider[];
  private readonly providersById = new Map<string, SnapshotProvider>();
  private readonly offersByProvider = new Map<string, ProviderOffer[]>();
  /** `modelId` → provider → configured price. */
  private readonly overrides = new Map<string, Map<string, SnapshotPrice>>();
  private suggester: NameSuggester | null = null;

  constructor(snapshot: Pick<CatalogSnapshot, 'models' | 'providers'> & { sourcesDate?: string }, additions: readonly CatalogModelAddition[] = []) {
    this.sourcesDate = snapshot.sourcesDate ?? null;
    this.providerList = snapshot.providers;
    for (const provider of snapshot.providers) this.providersById.set(provider.id, provider);
    for (const model of snapshot.models) {
      if (!this.byId.has(model.id)) this.byId.set(model.id, model);
    }
    for (const addition of additions) this.applyAddition(addition);
    this.models = [...this.byId.values()];
    this.indexNames();
  }

  get size(): number {
    return this.models.length;
  }

  get(id: string): SnapshotModel | undefined {
    return this.byId.get(id);
  }

  /**
   * A client's model name → the model: exact id, then an alias (the snapshot's, then an undated
   * name for the newest dated id), then one provider's own upstream id for it; then the same with
   * the name lower-cased. An upstream id names its provider in `offerProvider` (also when the
   * snapshot lists it as an alias too), unless several providers use that id. Provider pins
   * (`provider/model`) are routing's to decide before this.
   */
  resolve(name: string): ResolvedModel | null {
    const found = this.resolveExactly(name);
    if (found) return found;
    const lower = name.toLowerCase();
    return lower === name ? null : this.resolveExactly(lower);
  }

  private resolveExactly(name: string): ResolvedModel | null {
    const exact = this.byId.get(name);
    if (exact) return { model: exact, offerProvider: null };
    const upstream = this.byUpstreamId.get(name);
    const aliased = this.byAlias.get(name);
    if (aliased) return upstream?.model === aliased ? upstream : { model: aliased, offerProvider: null };
    return upstream ?? null;
  }

  list(): readonly SnapshotModel[] {
    return this.models;
  }

  providers(): readonly SnapshotProvider[] {
    return this.providerList;
  }

  provider(id: string): SnapshotProvider | undefined {
    return this.providersById.get(id);
  }

  /** The models `providerId` offers, each with its offer. */
  modelsOfProvider(providerId: string): readonly ProviderOffer[] {
    return this.offersByProvider.get(providerId) ?? [];
  }

  offerOf(modelId: string, providerId: string): SnapshotOffer | null {
    return this.byId.get(modelId)?.offers.find((offer) => offer.provider === providerId) ?? null;
  }

  /**
   * The configured price of a model as served by `provider`; with `provider` null, the price
   * configured for its creator, else the first one configured for it. Null: not overridden.
   */
  priceOverride(modelId: string, provider: string | null): SnapshotPrice | null {
    const byProvider = this.overrides.get(modelId);
    if (!byProvider) return null;
    if (provider !== null) return byProvider.get(provider) ?? null;
    const creator = this.byId.get(modelId)?.creator;
    const creatorPrice = creator === undefined ? undefined : byProvider.get(creator);
    return creatorPrice ?? byProvider.values().next().value ?? null;
  }

  /** Up to `max` catalog ids close to an unknown `name`, closest first. */
  didYouMean(name: string, max = 3): string[] {
    if (!this.suggester) {
      const entries: Array<readonly [string, string]> = [];
      for (const model of this.models) {
        entries.push([model.id, model.id]);
        // Provider-prefixed aliases (`openai/gpt-4o`) would match on the prefix alone; a pinned
        // query is probed without its prefix instead.
        for (const alias of model.aliases) if (!alias.includes('/')) entries.push([alias, model.id]);
      }
      this.suggester = new NameSuggester(entries);
    }
    return this.suggester.suggest(name, max);
  }

  private applyAddition(addition: CatalogModelAddition): void {
    const known = this.byId.get(addition.id);
    const model: SnapshotModel = known
      ? { ...known, offers: [...known.offers] }
      : newConfiguredModel(addition);
    if (addition.name !== undefined) model.name = addition.name;
    if (model.creator === addition.provider) {
      if (addition.contextWindow !== undefined) model.contextWindow = addition.contextWindow;
      if (addition.maxOutputTokens !== undefined) model.maxOutputTokens = addition.maxOutputTokens;
    }
    const offerIndex = model.offers.findIndex((offer) => offer.provider === addition.provider);
    const offer: SnapshotOffer =
      offerIndex >= 0
        ? { ...(model.offers[offerIndex] as SnapshotOffer) }
        : { provider: addition.provider, upstreamId: addition.id, price: null, contextWindow: model.contextWindow, maxOutputTokens: model.maxOutputTokens, flag: null };
    if (addition.contextWindow !== undefined) offer.contextWindow = addition.contextWindow;
    if (addition.maxOutputTokens !== undefined) offer.maxOutputTokens = addition.maxOutputTokens;
    if (offerIndex >= 0) model.offers[offerIndex] = offer;
    else model.offers.push(offer);
    if (addition.pricing !== undefined) {
      const byProvider = this.overrides.get(addition.id) ?? new Map<string, SnapshotPrice>();
      byProvider.set(addition.provider, { ...addition.pricing });
      this.overrides.set(addition.id, byProvider);
    }
    this.byId.set(model.id, model);
  }

  private indexNames(): void {
    for (const model of this.models) {
      for (const alias of model.aliases) {
        if (!this.byId.has(alias) && !this.byAlias.has(alias)) this.byAlias.set(alias, model);
      }
      for (const offer of model.offers) {
        const list = this.offersByProvider.get(offer.provider) ?? [];
        list.push({ model, offer });
        this.offersByProvider.set(offer.provider, list);
        if (offer.upstreamId === model.id) continue;
        const known = this.byUpstreamId.get(offer.upstreamId);
        if (!known) this.byUpstreamId.set(offer.upstreamId, { model, offerProvider: offer.provider });
        // The same upstream id at two providers of this model says nothing about which one.
        else if (known.model === model && known.offerProvider !== offer.provider) this.byUpstreamId.set(offer.upstreamId, { model, offerProvider: null });
      }
    }
    this.indexUndatedNames();
  }

  // `claude-3-opus` for `claude-3-opus-20240229` when the snapshot names no such alias: the
  // newest dated id wins, as the providers' own undated aliases point at the newest snapshot.
  private indexUndatedNames(): void {
    const newest = new Map<string, { model: SnapshotModel; dated: DatedName }>();
    for (const model of this.models) {
      const dated = splitDatedName(model.id);
      if (dated === null || this.byId.has(dated.undated) || this.byAlias.has(dated.undated)) continue;
      const current = newest.get(dated.undated);
      if (!current || dated.date > current.dated.date) newest.set(dated.undated, { model, dated });
    }
    for (const [name, { model }] of newest) this.byAlias.set(name, model);
  }
}

function newConfiguredModel(addition: CatalogModelAddition): SnapshotModel {
  return {
    ...blankModel(addition.id, addition.provider),
    name: addition.name ?? addition.id,
    description: `${addition.id}, added by configuration.`,
    modalities: { input: ['text'], output: ['text'] },
    contextWindow: addition.contextWindow ?? null,
    maxOutputTokens: addition.maxOutputTokens ?? null,
  };
}

import type { CatalogModel, PricingUsd } from './catalog-model.js';

export interface ModelAddition {
  id: string;
  provider: string;
  name?: string;
  pricing?: PricingUsd;
  contextWindow?: number;
  maxOutputTokens?: number;
}

/** The models the gateway knows, by id: the built-in set plus the config file's additions. */
export class Catalog {
  private readonly byId: Map<string, CatalogModel>;

  constructor(models: CatalogModel[], additions: ModelAddition[] = []) {
    this.byId = new Map(models.map((model) => [model.id, model]));
    for (const addition of additions) this.byId.set(addition.id, this.merge(addition));
  }

  get(id: string): CatalogModel | undefined {
    return this.byId.get(id);
  }

  list(): CatalogModel[] {
    return [...this.byId.values()];
  }

  private merge(addition: ModelAddition): CatalogModel {
    const known = this.byId.get(addition.id);
    return {
      id: addition.id,
      name: addition.name ?? known?.name ?? addition.id,
      provider: addition.provider,
      kind: known?.kind ?? 'chat',
      description: known?.description ?? `${addition.id}, added by configuration.`,
      contextWindow: addition.contextWindow ?? known?.contextWindow ?? null,
      maxOutputTokens: addition.maxOutputTokens ?? known?.maxOutputTokens ?? null,
      officialPricing: known?.officialPricing ?? null,
      pricing: addition.pricing ?? known?.pricing ?? null,
      status: known?.status ?? 'active',
      retiresAt: known?.retiresAt ?? null,
      replacement: known?.replacement ?? null,
      releaseDate: known?.releaseDate ?? null,
      created: known?.created ?? Math.floor(Date.now() / 1000),
    };
  }
}

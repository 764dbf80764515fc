/** What the gateway knows of one model: who made it, its limits, its official price, its lifecycle. */
export type ModelKind = 'chat' | 'embedding' | 'image';
export type ModelStatus = 'active' | 'preview' | 'deprecated' | 'retired' | 'coming_soon';

/** USD per 1M tokens (per image / per request where named). */
export interface PricingUsd {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
  image?: number;
  request?: number;
}

export interface CatalogModel {
  id: string;
  name: string;
  /** The model's creator, which is also the provider whose `"*"` channels serve it. */
  provider: string;
  kind: ModelKind;
  description: string;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** The creator's list price. */
  officialPricing: PricingUsd | null;
  /** Our price when set explicitly; otherwise official × markup. */
  pricing: PricingUsd | null;
  status: ModelStatus;
  retiresAt: string | null;
  replacement: string | null;
  releaseDate: string | null;
  created: number;
}

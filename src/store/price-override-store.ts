/** Our per-model prices set through the admin API; the price book reads them like config overrides. */

/** Exact decimal text in USD per 1M tokens (per image for `image`, per request for `request`). */
export interface PriceOverrideAmounts {
  input?: string;
  output?: string;
  cachedInput?: string;
  cacheWrite?: string;
  reasoning?: string;
  image?: string;
  request?: string;
}

export interface PriceOverrideRecord {
  modelId: string;
  /** Null: the model's general price; otherwise the price of that provider's offer only. */
  provider: string | null;
  pricing: PriceOverrideAmounts;
  updatedAt: number;
}

export interface PriceOverrideStore {
  /** Every override, or those of one model; by model, then provider (general first). */
  listPriceOverrides(modelId?: string): Promise<PriceOverrideRecord[]>;
  /** Creates or replaces the override of (model, provider) whole. */
  putPriceOverride(record: PriceOverrideRecord): Promise<PriceOverrideRecord>;
  /** False when there was none. */
  deletePriceOverride(modelId: string, provider: string | null): Promise<boolean>;
}

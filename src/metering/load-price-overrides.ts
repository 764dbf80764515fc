/**
 * Feeds the admin API's price overrides to the price book in the shape of the config file's
 * `models[].pricing` (numbers, USD per 1M tokens), with the provider they apply to.
 */
import type { ModelConfig, ModelPricingConfig } from '../config/config-schema.js';
import type { PriceOverrideRecord, PriceOverrideStore } from '../store/price-override-store.js';

export interface PriceOverrideConfig {
  /** Public model id. */
  id: string;
  /** Null: the model's general price (every provider without an override of its own). */
  provider: string | null;
  pricing: ModelPricingConfig;
}

export async function loadPriceOverrides(store: Pick<PriceOverrideStore, 'listPriceOverrides'>): Promise<PriceOverrideConfig[]> {
  return (await store.listPriceOverrides()).map(priceOverrideToConfig);
}

export function priceOverrideToConfig(record: PriceOverrideRecord): PriceOverrideConfig {
  const pricing: ModelPricingConfig = {};
  for (const [kind, amount] of Object.entries(record.pricing) as Array<[keyof ModelPricingConfig, string | undefined]>) {
    if (amount !== undefined) pricing[kind] = Number(amount);
  }
  return { id: record.modelId, provider: record.provider, pricing };
}

/**
 * As config `models[]` entries, which always name a provider: a general override is given the
 * provider `providerOf(modelId)` returns (the model's creator, say), and is left out when that is
 * unknown. Listed after the file's own entries, these win over them.
 */
export function priceOverridesAsModelConfigs(
  overrides: readonly PriceOverrideConfig[],
  providerOf: (modelId: string) => string | undefined,
): ModelConfig[] {
  const configs: ModelConfig[] = [];
  for (const override of overrides) {
    const provider = override.provider ?? providerOf(override.id);
    if (provider !== undefined) configs.push({ id: override.id, provider, pricing: { ...override.pricing } });
  }
  return configs;
}

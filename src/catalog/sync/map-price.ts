/**
 * Source prices → `SnapshotPrice` (USD per 1M tokens; per image / per request where named).
 *
 * models.dev: `input`, `output`, `cache_read` (also spelled `cached_input` / `cache_input`) →
 * `cachedInput`, `cache_write` (also `cached_write`) → `cacheWrite`, `reasoning`, `input_audio`,
 * `output_audio`, `image` (per 1M image output tokens) → `outputImage`, and `tiers[]` whose
 * `tier.size` is the input-token threshold → `aboveInputTokens`. Its `request` and `citation`
 * are not taken: their unit is not stated by the source.
 * LiteLLM: per-token costs × 10⁶, `output_cost_per_image` (or `input_cost_per_image` of an
 * image-generation entry) → `image`, `input_cost_per_request` → `request`.
 */
import type { SnapshotPrice, SnapshotPriceTier } from '../catalog-snapshot.js';
import type { LitellmEntry, ModelsDevCost } from './source-schemas.js';

export function priceFromModelsDev(cost: ModelsDevCost | undefined): SnapshotPrice | null {
  if (!cost) return null;
  const price: SnapshotPrice = {};
  assign(price, 'input', cost.input);
  assign(price, 'output', cost.output);
  assign(price, 'cachedInput', cost.cache_read ?? cost.cached_input ?? cost.cache_input);
  assign(price, 'cacheWrite', cost.cache_write ?? cost.cached_write);
  assign(price, 'reasoning', cost.reasoning);
  assign(price, 'inputAudio', cost.input_audio);
  assign(price, 'outputAudio', cost.output_audio);
  assign(price, 'outputImage', cost.image);
  const tiers: SnapshotPriceTier[] = (cost.tiers ?? [])
    .map((tier) => {
      const mapped: SnapshotPriceTier = { aboveInputTokens: tier.tier.size };
      assign(mapped, 'input', tier.input);
      assign(mapped, 'output', tier.output);
      assign(mapped, 'cachedInput', tier.cache_read ?? tier.cached_input ?? tier.cache_input);
      assign(mapped, 'cacheWrite', tier.cache_write ?? tier.cached_write);
      return mapped;
    })
    .filter((tier) => Object.keys(tier).length > 1)
    .sort((left, right) => left.aboveInputTokens - right.aboveInputTokens);
  if (tiers.length > 0) price.tiers = tiers;
  return hasAnyPrice(price) ? price : null;
}

/** Per-token prices (and per-image / per-request ones) of a LiteLLM entry. */
export function priceFromLitellm(entry: LitellmEntry): SnapshotPrice | null {
  const price: SnapshotPrice = {};
  assign(price, 'input', perMillion(entry.input_cost_per_token));
  assign(price, 'output', perMillion(entry.output_cost_per_token));
  assign(price, 'cachedInput', perMillion(entry.cache_read_input_token_cost));
  assign(price, 'cacheWrite', perMillion(entry.cache_creation_input_token_cost));
  assign(price, 'reasoning', perMillion(entry.output_cost_per_reasoning_token));
  assign(price, 'inputAudio', perMillion(entry.input_cost_per_audio_token));
  assign(price, 'outputAudio', perMillion(entry.output_cost_per_audio_token));
  const units = perUnitPricesFromLitellm(entry);
  assign(price, 'image', units.image);
  assign(price, 'request', units.request);
  return hasAnyPrice(price) ? price : null;
}

export function perUnitPricesFromLitellm(entry: LitellmEntry): { image?: number; request?: number } {
  const generatesImages = entry.mode === 'image_generation' || entry.mode === 'image_edit';
  const image = entry.output_cost_per_image ?? (generatesImages ? entry.input_cost_per_image : undefined);
  const units: { image?: number; request?: number } = {};
  if (image !== undefined) units.image = image;
  if (entry.input_cost_per_request !== undefined) units.request = entry.input_cost_per_request;
  return units;
}

/** USD per token → USD per 1M tokens, without binary noise (0.0000025 → 2.5). */
export function perMillion(perToken: number | undefined): number | undefined {
  if (perToken === undefined) return undefined;
  return Number((perToken * 1_000_000).toPrecision(12));
}

export function hasAnyPrice(price: SnapshotPrice | null | undefined): boolean {
  if (!price) return false;
  return Object.entries(price).some(([key, value]) => (key === 'tiers' ? Array.isArray(value) && value.length > 0 : typeof value === 'number'));
}

function assign<T extends object>(target: T, key: keyof T & string, value: number | undefined): void {
  if (typeof value === 'number' && Number.isFinite(value)) (target as Record<string, number>)[key] = value;
}

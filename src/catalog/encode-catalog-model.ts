import { listPriceOf } from './list-price.js';
import type { CatalogEncodingContext } from './catalog-api-context.js';
import type { ModelKind, SnapshotModel, SnapshotOffer, SnapshotPrice, SnapshotPriceTier } from './catalog-snapshot.js';
import { modelStatus, type CatalogModelStatus } from './model-status.js';

/** Prices in USD per 1M tokens; `image` per image generated, `request` per request. Null: not charged / unknown. */
export interface CatalogPriceJson {
  input: number | null;
  output: number | null;
  cached_input: number | null;
  cache_write: number | null;
  reasoning: number | null;
  /** Present only when the model prices audio tokens apart. */
  input_audio?: number;
  output_audio?: number;
  image: number | null;
  request: number | null;
  /** Long-context prices, when the price changes above a prompt size. */
  tiers?: CatalogPriceTierJson[];
}

export interface CatalogPriceTierJson {
  above_input_tokens: number;
  input: number | null;
  output: number | null;
  cached_input: number | null;
  cache_write: number | null;
}

/** Our price, with the official price it derives from. */
export interface CatalogPricingJson extends CatalogPriceJson {
  official: CatalogPriceJson;
}

export interface CatalogOfferJson {
  provider: string;
  upstream_id: string;
  pricing: CatalogPricingJson;
  context_window: number | null;
  max_output_tokens: number | null;
  available: boolean;
  /** The provider's own flag for this offer. */
  flag: 'deprecated' | 'beta' | 'alpha' | null;
}

export interface CatalogLifecycleJson {
  announced: string | null;
  retires_at: string | null;
  retires_at_precision: 'day' | 'month' | 'year' | null;
  replacement: string | null;
  replacement_note: string | null;
  notes: string | null;
  platforms: Array<{ via: string; retires_at: string; source: string | null }>;
  source: string | null;
}

/** The contract's `CatalogModel` (section 5), with extra fields. */
export interface CatalogModelJson {
  id: string;
  name: string;
  /** The model's creator. */
  provider: string;
  description: string;
  modalities: { input: string[]; output: string[] };
  context_window: number | null;
  max_output_tokens: number | null;
  pricing: CatalogPricingJson;
  capabilities: { tools: boolean; vision: boolean; json_output: boolean; reasoning: boolean; temperature: boolean };
  status: CatalogModelStatus;
  retires_at: string | null;
  replacement: string | null;
  release_date: string | null;
  available: boolean;
  offers: CatalogOfferJson[];
  kind: ModelKind;
  family: string | null;
  knowledge_cutoff: string | null;
  open_weights: boolean | null;
  last_updated: string | null;
  supported_parameters: string[];
  aliases: string[];
  lifecycle: CatalogLifecycleJson | null;
}

export function encodeCatalogModel(model: SnapshotModel, context: CatalogEncodingContext, now: Date): CatalogModelJson {
  const lifecycle = model.lifecycle;
  return {
    id: model.id,
    name: model.name,
    provider: model.creator,
    description: model.description,
    modalities: { input: [...model.modalities.input], output: [...model.modalities.output] },
    context_window: model.contextWindow,
    max_output_tokens: model.maxOutputTokens,
    pricing: encodePricing(context.ourPrice(model.id, null), listPriceOf(model)),
    capabilities: {
      tools: model.capabilities.tools,
      vision: model.capabilities.vision,
      json_output: model.capabilities.jsonOutput,
      reasoning: model.capabilities.reasoning,
      temperature: model.capabilities.temperature,
    },
    status: modelStatus(model, now),
    retires_at: lifecycle?.retiresAt ?? null,
    replacement: lifecycle?.replacement ?? null,
    release_date: model.releaseDate,
    available: context.isAvailable(model.id),
    offers: model.offers.map((offer) => encodeOffer(model, offer, context)),
    kind: model.kind,
    family: model.family,
    knowledge_cutoff: model.knowledgeCutoff,
    open_weights: model.openWeights,
    last_updated: model.lastUpdated,
    supported_parameters: [...model.supportedParameters],
    aliases: [...model.aliases],
    lifecycle: lifecycle
      ? {
          announced: lifecycle.announced,
          retires_at: lifecycle.retiresAt,
          retires_at_precision: lifecycle.retiresAtPrecision,
          replacement: lifecycle.replacement,
          replacement_note: lifecycle.replacementNote,
          notes: lifecycle.notes,
          platforms: lifecycle.platforms.map((platform) => ({ via: platform.via, retires_at: platform.retiresAt, source: platform.source })),
          source: lifecycle.source,
        }
      : null,
  };
}

function encodeOffer(model: SnapshotModel, offer: SnapshotOffer, context: CatalogEncodingContext): CatalogOfferJson {
  return {
    provider: offer.provider,
    upstream_id: offer.upstreamId,
    pricing: encodePricing(context.ourPrice(model.id, offer.provider), offer.price),
    context_window: offer.contextWindow,
    max_output_tokens: offer.maxOutputTokens,
    available: context.isAvailable(model.id, offer.provider),
    flag: offer.flag,
  };
}

function encodePricing(ours: SnapshotPrice | null, official: SnapshotPrice | null): CatalogPricingJson {
  return { ...encodePrice(ours), official: encodePrice(official) };
}

export function encodePrice(price: SnapshotPrice | null): CatalogPriceJson {
  const encoded: CatalogPriceJson = {
    input: price?.input ?? null,
    output: price?.output ?? null,
    cached_input: price?.cachedInput ?? null,
    cache_write: price?.cacheWrite ?? null,
    reasoning: price?.reasoning ?? null,
    image: price?.image ?? null,
    request: price?.request ?? null,
  };
  if (price?.inputAudio != null) encoded.input_audio = price.inputAudio;
  if (price?.outputAudio != null) encoded.output_audio = price.outputAudio;
  if (price?.tiers && price.tiers.length > 0) encoded.tiers = price.tiers.map(encodeTier);
  return encoded;
}

function encodeTier(tier: SnapshotPriceTier): CatalogPriceTierJson {
  return {
    above_input_tokens: tier.aboveInputTokens,
    input: tier.input ?? null,
    output: tier.output ?? null,
    cached_input: tier.cachedInput ?? null,
    cache_write: tier.cacheWrite ?? null,
  };
}

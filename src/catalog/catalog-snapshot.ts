/**
 * The committed catalog snapshot (`catalog/catalog-snapshot.json`): what `switchyard catalog sync`
 * writes and what the gateway loads at start. Plain data; prices are USD per 1M tokens (per image
 * / per request where named), as the sources publish them. Lifecycle dates are stored, never the
 * status: status is computed from the dates against the clock when asked.
 */

export const SNAPSHOT_VERSION = 1;

export type SourceId = 'models.dev' | 'model-eol' | 'litellm';

export interface SnapshotSource {
  id: SourceId;
  /** Where the data came from (public repository or URL). */
  origin: string;
  license: string;
  /** The source's own snapshot date or commit, as its SOURCES record gives it. */
  snapshot: string;
}

/** How a provider's API is spoken: decides which adapter can serve it. */
export type ProviderDialect = 'openai' | 'anthropic' | 'gemini' | 'other';

export interface SnapshotProvider {
  id: string;
  name: string;
  /** Environment variables that hold its API key, in the source's order. */
  apiKeyEnv: string[];
  /** Base URL of its API (for OpenAI-dialect providers, the one ending before `/chat/completions`). */
  baseUrl: string | null;
  docUrl: string | null;
  dialect: ProviderDialect;
}

export interface SnapshotPriceTier {
  /** The tier's prices apply when the prompt has more than this many input tokens. */
  aboveInputTokens: number;
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
}

export interface SnapshotPrice {
  input?: number;
  output?: number;
  cachedInput?: number;
  cacheWrite?: number;
  reasoning?: number;
  inputAudio?: number;
  outputAudio?: number;
  /** USD per 1M image output tokens (models that bill generated images by token). */
  outputImage?: number;
  /** USD per image generated. */
  image?: number;
  /** USD per request. */
  request?: number;
  tiers?: SnapshotPriceTier[];
}

/** One provider's offer of a model: its own id for it, its price and limits. */
export interface SnapshotOffer {
  provider: string;
  /** The id this provider uses for the model (sent upstream), e.g. `openai/gpt-4o` on OpenRouter. */
  upstreamId: string;
  price: SnapshotPrice | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** The provider's own flag for this offer, when it has one. */
  flag: 'deprecated' | 'beta' | 'alpha' | null;
  /** Set only when this offer is spoken differently from its provider's default (e.g. Claude on Azure). */
  dialect?: ProviderDialect;
  /** Set only when this offer is served from another base URL than its provider's default. */
  baseUrl?: string;
  /** The upstream API shape this offer needs, when the source names one (`responses`, `completions`). */
  apiShape?: string;
}

export interface SnapshotPlatformRetirement {
  /** Where the model is distributed (e.g. `azure-ai-foundry`, `bedrock`, `vertex`). */
  via: string;
  retiresAt: string;
  source: string | null;
  /** When this platform announced it, if known. */
  announced?: string;
  /** The platform's own word for the state (e.g. `legacy`, `extended-access`), if given. */
  status?: string;
}

export interface SnapshotLifecycle {
  /** When the deprecation was announced (ISO date), if known. */
  announced: string | null;
  /** The creator's shutdown date (ISO date, or a month `YYYY-MM` when only that is known). */
  retiresAt: string | null;
  retiresAtPrecision: 'day' | 'month' | 'year' | null;
  /** True when the source gives `retiresAt` as the earliest possible date (it may come later). */
  retiresAtIsEarliest?: boolean;
  replacement: string | null;
  replacementNote: string | null;
  notes: string | null;
  platforms: SnapshotPlatformRetirement[];
  source: string | null;
}

export type ModelKind = 'chat' | 'embedding' | 'image' | 'audio' | 'other';

export interface SnapshotModel {
  /** Canonical id: the creator's own id (`gpt-4o`, `claude-sonnet-4-5`, `gemini-2.5-flash`). */
  id: string;
  name: string;
  /** Provider id of the model's creator. */
  creator: string;
  family: string | null;
  kind: ModelKind;
  description: string;
  modalities: { input: string[]; output: string[] };
  contextWindow: number | null;
  maxOutputTokens: number | null;
  capabilities: {
    tools: boolean;
    vision: boolean;
    jsonOutput: boolean;
    reasoning: boolean;
    temperature: boolean;
  };
  knowledgeCutoff: string | null;
  openWeights: boolean | null;
  releaseDate: string | null;
  lastUpdated: string | null;
  /** Parameters the model accepts beyond the basics (e.g. `reasoning_effort`), when known. */
  supportedParameters: string[];
  /** The creator's list price (also present as the creator's offer when the creator serves it). */
  officialPrice: SnapshotPrice | null;
  offers: SnapshotOffer[];
  /** Other names that mean this model (undated aliases, provider-prefixed ids). */
  aliases: string[];
  /** Lifecycle from the providers' deprecation records; null when none is known. */
  lifecycle: SnapshotLifecycle | null;
  /** The creator flags it as preview (beta/alpha). */
  preview: boolean;
  /** For each field filled from a source, which one (`field` → source id). */
  fieldSources: Record<string, SourceId>;
}

export interface SnapshotDisagreement {
  modelId: string;
  field: string;
  snapshot: string;
  other: string;
  otherSource: SourceId;
}

export interface CatalogSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** The newest source snapshot date: the age the CI check warns about (not the sync time). */
  sourcesDate: string;
  sources: SnapshotSource[];
  providers: SnapshotProvider[];
  models: SnapshotModel[];
  disagreements: SnapshotDisagreement[];
}

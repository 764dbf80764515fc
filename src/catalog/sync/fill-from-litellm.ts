/**
 * LiteLLM only fills what the other sources lack, and only from the creator's own entries
 * (e.g. `gemini/…` and Vertex entries for Google models, `bedrock` `amazon.…` entries for Nova):
 *  - per-image and per-request prices missing from the official price;
 *  - the whole official price of a model no source prices (lifecycle-only models get their last
 *    known price this way);
 *  - kind, limits and capabilities of models that have no models.dev listing at all.
 * Every filled field is named in `fieldSources`.
 */
import type { SnapshotModel } from '../catalog-snapshot.js';
import type { CatalogDraft } from './catalog-draft.js';
import { compareText } from './group-offers.js';
import { hasAnyPrice, perUnitPricesFromLitellm, priceFromLitellm } from './map-price.js';
import { creatorOfVendor } from './model-creators.js';
import { bedrockVendorOf, parseModelId, resolveModelKey } from './normalize-model-id.js';
import type { LitellmEntry } from './source-schemas.js';

/** LiteLLM provider names → the creator whose own list price they carry, in order of preference. */
const LITELLM_CREATORS: Array<[string, string]> = [
  ['openai', 'openai'],
  ['text-completion-openai', 'openai'],
  ['anthropic', 'anthropic'],
  ['gemini', 'google'],
  ['vertex_ai-language-models', 'google'],
  ['vertex_ai-image-models', 'google'],
  ['vertex_ai-embedding-models', 'google'],
  ['vertex_ai-video-models', 'google'],
  ['vertex_ai-text-models', 'google'],
  ['xai', 'xai'],
  ['mistral', 'mistral'],
  ['codestral', 'mistral'],
  ['text-completion-codestral', 'mistral'],
  ['deepseek', 'deepseek'],
  ['cohere_chat', 'cohere'],
  ['cohere', 'cohere'],
  ['moonshot', 'moonshotai'],
  ['dashscope', 'alibaba'],
  ['zai', 'zai'],
  ['perplexity', 'perplexity'],
  ['minimax', 'minimax'],
  ['meta_llama', 'llama'],
  ['amazon_nova', 'amazon-bedrock'],
  ['bedrock_converse', 'amazon-bedrock'],
  ['bedrock', 'amazon-bedrock'],
  ['inception', 'inception'],
  ['morph', 'morph'],
  ['sarvam', 'sarvam'],
];
const CREATOR_OF_LITELLM = new Map(LITELLM_CREATORS);
const RANK_OF_LITELLM = new Map(LITELLM_CREATORS.map(([provider], index) => [provider, index]));
/** Path words LiteLLM puts before a model id to say which of its providers serves it. */
const LITELLM_PATH_WORDS = /^(?:gemini|vertex_ai|xai|mistral|codestral|text-completion-codestral|deepseek|cohere_chat|cohere|moonshot|dashscope|zai|perplexity|minimax|meta_llama|amazon_nova|bedrock|inception|morph|sarvam|openai)\//;

export interface LitellmMatch {
  key: string;
  entry: LitellmEntry;
}

/** The creator's own LiteLLM entries, by creator then model key, best first. */
export class LitellmIndex {
  private readonly byCreator = new Map<string, Map<string, LitellmMatch[]>>();

  constructor(entries: Map<string, LitellmEntry>) {
    for (const [key, entry] of entries) {
      const creator = CREATOR_OF_LITELLM.get(entry.litellm_provider);
      if (!creator) continue;
      const parsed = parseModelId(key.replace(LITELLM_PATH_WORDS, ''));
      if (parsed.vendor !== null && creatorOfVendor(parsed.vendor) !== creator) continue;
      const keyed = this.byCreator.get(creator) ?? new Map<string, LitellmMatch[]>();
      const matches = keyed.get(parsed.key) ?? [];
      matches.push({ key, entry });
      keyed.set(parsed.key, matches);
      this.byCreator.set(creator, keyed);
    }
    for (const keyed of this.byCreator.values()) {
      for (const matches of keyed.values()) {
        matches.sort((left, right) => rank(left.entry) - rank(right.entry) || compareText(left.key, right.key));
      }
    }
  }

  /** The creator's entries for a model name, best first (empty when none). */
  lookup(name: string, creator: string, draft?: CatalogDraft): LitellmMatch[] {
    const keyed = this.byCreator.get(creator);
    if (!keyed) return [];
    const parsed = parseModelId(name);
    const direct = keyed.get(parsed.key);
    if (direct) return direct;
    if (!draft) return [];
    return keyed.get(resolveModelKey(parsed.key, draft.creatorKeys, draft.prefixWords, bedrockVendorOf(parsed))) ?? [];
  }

  has(name: string, creator: string): boolean {
    return this.lookup(name, creator).length > 0;
  }
}

function rank(entry: LitellmEntry): number {
  return RANK_OF_LITELLM.get(entry.litellm_provider) ?? Number.MAX_SAFE_INTEGER;
}

export function fillFromLitellm(draft: CatalogDraft, index: LitellmIndex): void {
  for (const model of draft.models.values()) {
    const matches = index.lookup(model.id, model.creator);
    if (matches.length === 0) continue;
    if (!modelHasPrice(model)) {
      const priced = matches.map((match) => priceFromLitellm(match.entry)).find((price) => hasAnyPrice(price));
      if (priced) {
        model.officialPrice = priced;
        model.fieldSources.officialPrice = 'litellm';
      }
    } else if (model.officialPrice !== null) {
      fillPerUnitPrices(model, matches);
    }
    if (model.offers.length === 0) fillDescription(model, matches[0]?.entry);
  }
}

function fillPerUnitPrices(model: SnapshotModel, matches: LitellmMatch[]): void {
  for (const unit of ['image', 'request'] as const) {
    if (model.officialPrice?.[unit] !== undefined) continue;
    const value = matches.map((match) => perUnitPricesFromLitellm(match.entry)[unit]).find((candidate) => candidate !== undefined);
    if (value === undefined) continue;
    model.officialPrice = { ...model.officialPrice, [unit]: value };
    model.fieldSources[`officialPrice.${unit}`] = 'litellm';
  }
}

/** Kind, limits and capabilities of a model that no models.dev provider lists. */
function fillDescription(model: SnapshotModel, entry: LitellmEntry | undefined): void {
  if (!entry) return;
  const kind = kindOfMode(entry.mode);
  if (kind !== null && kind !== model.kind) {
    model.kind = kind;
    model.fieldSources.kind = 'litellm';
  }
  if (entry.max_input_tokens !== undefined && entry.max_input_tokens > 0) {
    model.contextWindow = entry.max_input_tokens;
    model.fieldSources.contextWindow = 'litellm';
  }
  if (entry.max_output_tokens !== undefined && entry.max_output_tokens > 0) {
    model.maxOutputTokens = entry.max_output_tokens;
    model.fieldSources.maxOutputTokens = 'litellm';
  }
  model.capabilities = {
    tools: entry.supports_function_calling === true,
    vision: entry.supports_vision === true,
    jsonOutput: entry.supports_response_schema === true,
    reasoning: entry.supports_reasoning === true,
    temperature: model.capabilities.temperature,
  };
  model.fieldSources.capabilities = 'litellm';
}

function kindOfMode(mode: string | undefined): SnapshotModel['kind'] | null {
  switch (mode) {
    case 'chat':
    case 'completion':
    case 'responses':
    case 'realtime':
      return 'chat';
    case 'embedding':
      return 'embedding';
    case 'image_generation':
    case 'image_edit':
      return 'image';
    case 'audio_transcription':
    case 'audio_speech':
      return 'audio';
    case undefined:
      return null;
    default:
      return 'other';
  }
}

export function modelHasPrice(model: SnapshotModel): boolean {
  return hasAnyPrice(model.officialPrice) || model.offers.some((offer) => hasAnyPrice(offer.price));
}

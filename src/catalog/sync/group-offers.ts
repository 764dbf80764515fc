/**
 * Groups every provider+model entry of models.dev by the model it offers, and decides each
 * model's creator.
 *
 * Grouping: each id is parsed (`parseModelId`); a key that a creator publishes on its own API
 * ("creator key") is taken as is, otherwise a spelling variant that is a creator key is used
 * (`resolveModelKey`). An id under a reseller's path (`novita/…`, `groq/…`, `openrouter/…`) whose
 * name no other provider uses stays qualified by that path (`openrouter/auto`), so that host-specific
 * products never merge with an unrelated model of the same short name.
 *
 * Creator, first match wins: the creator of a provider that publishes the key as its own (e.g.
 * `anthropic` for `claude-sonnet-4-5`); the vendor words of the ids (`meta-llama/` → `llama`);
 * the name (`gemini-…` → `google`); the models.dev family (`claude-haiku` → `anthropic`); an
 * unknown vendor word (`nousresearch`); the reseller whose
 * own product it is; the single provider offering it (the first one by id when several do).
 */
import { creatorOfName, creatorOfOwnModelsProvider, creatorOfVendor, isCreatorProvider, vendorWords } from './model-creators.js';
import { bedrockVendorOf, parseModelId, resolveModelKey, type ParsedModelId } from './normalize-model-id.js';
import type { ModelsDevModel, ModelsDevProvider } from './source-schemas.js';

/** Path words of resellers and gateways that are not model vendors, beyond the provider ids. */
const EXTRA_HOST_WORDS = ['novita', 'together', 'fireworks', 'kilo-auto', 'stealth', 'nanogpt', 'poetools', 'empiriolabs', 'chutesai', 'fal-ai'];

export interface OfferEntry {
  provider: ModelsDevProvider;
  model: ModelsDevModel;
  parsed: ParsedModelId;
  /** Creator implied by this entry alone (vendor word, own-models provider, or name). */
  entryCreator: string | null;
  /** The entry's provider is one of `entryCreator`'s own providers and publishes this key itself. */
  isCreatorEntry: boolean;
  /** The id's path word is a reseller's, not a vendor's. */
  underHost: boolean;
}

export interface OfferGroup {
  key: string;
  creator: string;
  entries: OfferEntry[];
}

export interface GroupedOffers {
  groups: OfferGroup[];
  /** Keys a creator publishes on its own API: spelling variants resolve only to these. */
  creatorKeys: Set<string>;
  /** Words that may precede a model name in an id (provider ids and vendor words). */
  prefixWords: Set<string>;
}

export function groupOffers(providers: Record<string, ModelsDevProvider>): GroupedOffers {
  const providerIds = new Set(Object.keys(providers));
  const hostWords = new Set([...providerIds, ...EXTRA_HOST_WORDS]);
  const prefixWords = new Set([...providerIds, ...vendorWords()]);
  const entries: OfferEntry[] = [];
  for (const providerId of [...providerIds].sort()) {
    const provider = providers[providerId];
    if (!provider) continue;
    for (const modelId of Object.keys(provider.models).sort()) {
      const model = provider.models[modelId];
      if (!model) continue;
      const parsed = parseModelId(model.id);
      const vendorCreator = creatorOfVendor(parsed.vendor);
      const ownCreator = creatorOfOwnModelsProvider(providerId);
      const entryCreator = vendorCreator ?? (parsed.vendor === null ? ownCreator : null) ?? creatorOfName(parsed.key);
      const underHost = parsed.vendor !== null && vendorCreator === null && hostWords.has(parsed.vendor);
      const isCreatorEntry = entryCreator !== null && !underHost && isCreatorProvider(entryCreator, providerId);
      entries.push({ provider, model, parsed, entryCreator, isCreatorEntry, underHost });
    }
  }

  const creatorKeys = new Set(entries.filter((entry) => entry.isCreatorEntry).map((entry) => entry.parsed.key));
  const keyProviders = new Map<string, Set<string>>();
  for (const entry of entries) {
    if (entry.underHost) continue;
    const holders = keyProviders.get(entry.parsed.key) ?? new Set<string>();
    holders.add(entry.provider.id);
    keyProviders.set(entry.parsed.key, holders);
  }

  const otherKeys = new Set([...keyProviders.entries()].filter(([, holders]) => !holders.has('amazon-bedrock') || holders.size > 1).map(([key]) => key));
  const byKey = new Map<string, OfferEntry[]>();
  for (const entry of entries) {
    let key = resolveModelKey(entry.parsed.key, creatorKeys, prefixWords, bedrockVendorOf(entry.parsed), otherKeys);
    if (entry.underHost && !creatorKeys.has(key) && !keyProviders.has(key)) key = `${entry.parsed.vendor}/${key}`;
    const members = byKey.get(key) ?? [];
    members.push(entry);
    byKey.set(key, members);
  }

  const groups = [...byKey.entries()]
    .sort(([left], [right]) => compareText(left, right))
    .map(([key, members]) => ({ key, creator: decideCreator(key, members, providerIds), entries: members }));
  return { groups, creatorKeys, prefixWords };
}

function decideCreator(key: string, entries: OfferEntry[], providerIds: ReadonlySet<string>): string {
  const fromCreatorEntries = mostCommon(entries.filter((entry) => entry.isCreatorEntry && entry.parsed.key === key).map((entry) => entry.entryCreator));
  if (fromCreatorEntries) return fromCreatorEntries;
  const fromVendors = mostCommon(entries.map((entry) => creatorOfVendor(entry.parsed.vendor)));
  if (fromVendors) return fromVendors;
  const slash = key.indexOf('/');
  const fromName = creatorOfName(slash >= 0 ? key.slice(slash + 1) : key);
  if (fromName) return fromName;
  const fromFamily = mostCommon(entries.map((entry) => (entry.model.family === undefined ? null : creatorOfName(entry.model.family))));
  if (fromFamily) return fromFamily;
  const unknownVendors = mostCommon(entries.filter((entry) => !entry.underHost).map((entry) => entry.parsed.vendor));
  if (unknownVendors) return unknownVendors;
  const host = slash >= 0 ? key.slice(0, slash) : null;
  if (host !== null && providerIds.has(host)) return host;
  return entries.map((entry) => entry.provider.id).sort(compareText)[0] ?? 'unknown';
}

/** The most frequent non-null value; ties go to the alphabetically first. */
function mostCommon(values: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | null = null;
  let bestCount = 0;
  for (const [value, count] of [...counts.entries()].sort(([left], [right]) => compareText(left, right))) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Code-unit order: the same on every machine and locale. */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * One `SnapshotModel` per offer group. Model-level facts (name, family, limits, modalities,
 * capabilities, dates) come from the "primary" entry: the creator's own listing when there is one
 * (its main provider first), else the most complete reseller listing. The canonical id is the
 * creator's own id for it (vendor path removed, case kept), else the group key.
 */
import type { ModelKind, SnapshotModel, SnapshotOffer, SnapshotPrice } from '../catalog-snapshot.js';
import { compareText, type OfferEntry, type OfferGroup } from './group-offers.js';
import { offerTransport } from './map-provider.js';
import { hasAnyPrice, priceFromModelsDev } from './map-price.js';
import { providersOfCreator } from './model-creators.js';
import type { ModelsDevModel } from './source-schemas.js';

export function buildModel(group: OfferGroup): SnapshotModel {
  const creatorProviders = providersOfCreator(group.creator);
  const primary = choosePrimary(group, creatorProviders);
  const source = primary.model;
  const creatorEntries = group.entries
    .filter((entry) => creatorProviders.includes(entry.provider.id) && entry.parsed.key === group.key)
    .sort((left, right) => creatorProviders.indexOf(left.provider.id) - creatorProviders.indexOf(right.provider.id) || compareText(left.model.id, right.model.id));
  const id = creatorEntries[0]?.parsed.name ?? group.key;
  const modalities = { input: [...(source.modalities?.input ?? [])], output: [...(source.modalities?.output ?? [])] };
  // A creator listing at zero (a coding plan, a free preview) gives the official price only when no listing charges.
  const officialEntry =
    creatorEntries.find((entry) => charges(priceFromModelsDev(entry.model.cost))) ??
    creatorEntries.find((entry) => hasAnyPrice(priceFromModelsDev(entry.model.cost)));
  const flagSource = creatorEntries[0]?.model ?? source;
  return {
    id,
    name: source.name.trim() || id,
    creator: group.creator,
    family: source.family ?? group.entries.map((entry) => entry.model.family).find((family) => family !== undefined) ?? null,
    kind: kindOf(group.key, source.family ?? null, modalities),
    description: '',
    modalities,
    contextWindow: positive(source.limit?.context) ?? firstPositive(group.entries, (model) => model.limit?.context),
    maxOutputTokens: positive(source.limit?.output) ?? firstPositive(group.entries, (model) => model.limit?.output),
    capabilities: {
      tools: source.tool_call === true,
      vision: source.attachment === true || modalities.input.includes('image'),
      jsonOutput: source.structured_output === true,
      reasoning: source.reasoning === true,
      temperature: source.temperature !== false,
    },
    knowledgeCutoff: source.knowledge ?? null,
    openWeights: source.open_weights ?? null,
    releaseDate: source.release_date ?? null,
    lastUpdated: source.last_updated ?? null,
    supportedParameters: supportedParameters(source),
    officialPrice: officialEntry ? priceFromModelsDev(officialEntry.model.cost) : null,
    offers: group.entries.map(offerOf).sort((left, right) => compareText(left.provider, right.provider) || compareText(left.upstreamId, right.upstreamId)),
    aliases: [],
    lifecycle: null,
    preview: flagSource.status === 'beta' || flagSource.status === 'alpha',
    fieldSources: {},
  };
}

function choosePrimary(group: OfferGroup, creatorProviders: string[]): OfferEntry {
  const score = (entry: OfferEntry): number => {
    const rank = creatorProviders.indexOf(entry.provider.id);
    let total = rank === 0 ? 1000 : rank > 0 ? 500 - rank : 0;
    if (entry.parsed.key === group.key) total += 20;
    if (hasAnyPrice(priceFromModelsDev(entry.model.cost))) total += 10;
    if (!entry.model.name.includes('/')) total += 5;
    if (entry.model.family !== undefined) total += 2;
    return total;
  };
  const sorted = [...group.entries].sort(
    (left, right) => score(right) - score(left) || compareText(left.provider.id, right.provider.id) || compareText(left.model.id, right.model.id),
  );
  const first = sorted[0];
  if (!first) throw new Error(`empty offer group ${group.key}`);
  return first;
}

function offerOf(entry: OfferEntry): SnapshotOffer {
  const status = entry.model.status;
  return {
    provider: entry.provider.id,
    upstreamId: entry.model.id,
    price: priceFromModelsDev(entry.model.cost),
    contextWindow: positive(entry.model.limit?.context),
    maxOutputTokens: positive(entry.model.limit?.output),
    flag: status === 'deprecated' || status === 'beta' || status === 'alpha' ? status : null,
    ...offerTransport(entry.provider, entry.model),
  };
}

/** What a model mainly does, from its name and output modalities. */
export function kindOf(key: string, family: string | null, modalities: { input: string[]; output: string[] }): ModelKind {
  const words = `${key} ${family ?? ''}`;
  if (/embed/.test(words)) return 'embedding';
  if (/rerank|moderation|guard/.test(words)) return 'other';
  const { input, output } = modalities;
  if (output.includes('image')) return 'image';
  if (output.includes('video')) return 'other';
  if (output.length > 0 && output.every((modality) => modality === 'audio')) return 'audio';
  if (input.length > 0 && input.every((modality) => modality === 'audio')) return 'audio';
  return 'chat';
}

function supportedParameters(model: ModelsDevModel): string[] {
  const names = new Set<string>();
  for (const option of model.reasoning_options ?? []) {
    if (option.type === 'effort') names.add('reasoning_effort');
    else if (option.type === 'budget_tokens') names.add('reasoning_budget_tokens');
    else if (option.type === 'toggle') names.add('reasoning_toggle');
  }
  return [...names].sort(compareText);
}

function charges(price: SnapshotPrice | null): boolean {
  return price !== null && ((price.input ?? 0) > 0 || (price.output ?? 0) > 0 || (price.image ?? 0) > 0 || (price.request ?? 0) > 0);
}

function positive(value: number | undefined): number | null {
  return typeof value === 'number' && value > 0 ? value : null;
}

function firstPositive(entries: OfferEntry[], pick: (model: ModelsDevModel) => number | undefined): number | null {
  for (const entry of entries) {
    const value = positive(pick(entry.model));
    if (value !== null) return value;
  }
  return null;
}

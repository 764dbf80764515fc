/**
 * Sources → snapshot, in this order: group models.dev offers into models; apply model-eol
 * lifecycles (creating lifecycle-only and replacement entries); fill gaps from LiteLLM; record
 * disagreements; leave out models no source prices; settle aliases; sort everything.
 *
 * A model with offers but no price anywhere (no offer price, no official price, no LiteLLM price)
 * is left out. Models without offers exist only because lifecycle records need them (a retired
 * model, or a replacement); they keep LiteLLM's last known price when it has one, else no price.
 * A model lifecycle records need whose offers are all unpriced keeps its entry without those offers.
 */
import { SNAPSHOT_VERSION, type CatalogSnapshot, type SnapshotModel } from '../catalog-snapshot.js';
import { applyLifecycle, type LifecycleReport } from './apply-lifecycle.js';
import { buildModel } from './build-models.js';
import { CatalogDraft } from './catalog-draft.js';
import { describeSources } from './describe-sources.js';
import { fillFromLitellm, LitellmIndex, modelHasPrice } from './fill-from-litellm.js';
import { finalizeAliases } from './finalize-aliases.js';
import { findDisagreements } from './find-disagreements.js';
import { compareText, groupOffers } from './group-offers.js';
import { providerFromModelsDev } from './map-provider.js';
import type { CatalogSources } from './source-schemas.js';

export interface SyncReport {
  lifecycle: LifecycleReport;
  /** models.dev models left out because nothing prices them. */
  unpriced: string[];
  /** Models kept for their lifecycle whose only offers had no price: those offers were left out. */
  unpricedOffersLeftOut: string[];
  /** Names that two models would answer to, given to neither. */
  aliasConflicts: string[];
}

export function buildCatalogSnapshot(sources: CatalogSources): { snapshot: CatalogSnapshot; report: SyncReport } {
  const grouped = groupOffers(sources.modelsDev);
  const draft = new CatalogDraft(grouped.creatorKeys, grouped.prefixWords);
  for (const group of grouped.groups) {
    const model = buildModel(group);
    const existing = draft.models.get(model.id);
    if (existing) throw new Error(`offer groups ${group.key} and ${existing.id} both want the id ${model.id}`);
    draft.add(model, group.key);
  }

  const litellm = new LitellmIndex(sources.litellm);
  const lifecycle = applyLifecycle(draft, sources.modelEol, (name, creator) => litellm.has(name, creator));
  fillFromLitellm(draft, litellm);
  const disagreements = findDisagreements(draft, litellm);

  const replacementTargets = new Set<string>();
  for (const model of draft.models.values()) {
    if (model.lifecycle?.replacement) replacementTargets.add(model.lifecycle.replacement);
  }
  const unpriced: string[] = [];
  const unpricedOffersLeftOut: string[] = [];
  for (const model of [...draft.models.values()]) {
    if (model.offers.length === 0 || modelHasPrice(model)) continue;
    if (replacementTargets.has(model.id) || model.lifecycle !== null) {
      // Lifecycle records need this model; offers nobody can bill are left out, the entry stays.
      for (const offer of model.offers) draft.addAlias(model, offer.upstreamId);
      model.offers = [];
      unpricedOffersLeftOut.push(model.id);
      continue;
    }
    unpriced.push(model.id);
    draft.remove(model.id);
  }

  const models = [...draft.models.values()].sort((left, right) => compareText(left.id, right.id));
  const aliasConflicts = finalizeAliases(models, draft.extraAliases);
  const offeringProviders = new Set(models.flatMap((model) => model.offers.map((offer) => offer.provider)));
  const providers = Object.values(sources.modelsDev)
    .filter((provider) => offeringProviders.has(provider.id))
    .map(providerFromModelsDev)
    .sort((left, right) => compareText(left.id, right.id));
  const described = describeSources(sources);
  const knownIds = new Set(models.map((model) => model.id));

  const snapshot: CatalogSnapshot = {
    version: SNAPSHOT_VERSION,
    sourcesDate: described.sourcesDate,
    sources: described.sources,
    providers,
    models: models.map(sortModelLists),
    disagreements: disagreements.filter((item) => knownIds.has(item.modelId)),
  };
  return { snapshot, report: { lifecycle, unpriced: unpriced.sort(compareText), unpricedOffersLeftOut: unpricedOffersLeftOut.sort(compareText), aliasConflicts } };
}

function sortModelLists(model: SnapshotModel): SnapshotModel {
  model.modalities = { input: [...model.modalities.input], output: [...model.modalities.output] };
  model.supportedParameters = [...model.supportedParameters].sort(compareText);
  return model;
}

import { blankModel } from '../blank-model.js';
/**
 * Lifecycle from model-eol, which wins over every other source for these fields.
 *
 * - A record with an announcement, a shutdown, a replacement or a platform shutdown becomes the
 *   `lifecycle` of the catalog model it names (by id, key, creator spelling or alias).
 * - The record's aliases (`gpt-4` for `gpt-4-0613`) become aliases of that model; a catalog model
 *   whose own id is such an alias and has no record of its own gets the same lifecycle, because
 *   the alias stops working with the snapshot it points to.
 * - A record with a creator-level lifecycle whose model the catalog lacks (models.dev dropped it)
 *   creates a lifecycle-only model (no offers; LiteLLM may later give it its last known price).
 * - Replacements are mapped to catalog ids. A replacement the catalog lacks gets a minimal entry
 *   when model-eol or LiteLLM knows the model (so the name is real); otherwise it is dropped, its
 *   name kept in `replacementNote`, and reported.
 */
import type { SnapshotLifecycle, SnapshotModel, SnapshotPlatformRetirement } from '../catalog-snapshot.js';
import type { CatalogDraft } from './catalog-draft.js';
import { compareText } from './group-offers.js';
import { creatorOfPublisher } from './model-creators.js';
import { parseModelId } from './normalize-model-id.js';
import type { EolFile, EolRecord } from './source-schemas.js';

export interface LifecycleReport {
  /** Models created from lifecycle records alone. */
  lifecycleOnly: string[];
  /** Minimal entries created because a replacement named them. */
  replacementStubs: string[];
  /** Replacements that name no known model: dropped. */
  droppedReplacements: Array<{ modelId: string; replacement: string }>;
}

/** Is `name` a model some other source knows for `creator` (LiteLLM)? */
export type KnownElsewhere = (name: string, creator: string) => boolean;

interface PendingReplacement {
  model: SnapshotModel;
  candidates: string[];
  creator: string;
}

export function applyLifecycle(draft: CatalogDraft, files: EolFile[], knownElsewhere: KnownElsewhere): LifecycleReport {
  const report: LifecycleReport = { lifecycleOnly: [], replacementStubs: [], droppedReplacements: [] };
  const recordIds = new Set<string>();
  const withOwnRecord = new Set<string>();
  const aliasLifecycles: Array<{ alias: string; lifecycle: SnapshotLifecycle; candidates: string[]; creator: string }> = [];
  const pending: PendingReplacement[] = [];

  const sortedFiles = [...files].sort((left, right) => compareText(left.publisher, right.publisher));
  for (const file of sortedFiles) for (const record of file.models) recordIds.add(record.id);

  for (const file of sortedFiles) {
    const creator = creatorOfPublisher(file.publisher);
    for (const record of [...file.models].sort((left, right) => compareText(left.id, right.id))) {
      const lifecycle = lifecycleOf(record, file.source ?? null);
      const candidates = record.replacement ? [record.replacement] : [...(record.replacement_options ?? [])];
      let model = draft.find(record.id);
      if (!model && lifecycle && hasCreatorLifecycle(lifecycle, candidates)) {
        model = minimalModel(record.id, creator);
        draft.add(model, parseModelId(record.id).key);
        report.lifecycleOnly.push(model.id);
      }
      if (!model) continue;
      draft.addAlias(model, record.id);
      for (const alias of record.aliases ?? []) {
        draft.addAlias(model, alias);
        if (lifecycle) aliasLifecycles.push({ alias, lifecycle, candidates, creator });
      }
      if (!lifecycle || withOwnRecord.has(model.id)) continue;
      withOwnRecord.add(model.id);
      model.lifecycle = lifecycle;
      model.fieldSources.lifecycle = 'model-eol';
      if (candidates.length > 0) pending.push({ model, candidates, creator });
    }
  }

  for (const { alias, lifecycle, candidates, creator } of aliasLifecycles) {
    const model = draft.models.get(alias);
    if (!model || withOwnRecord.has(model.id) || model.lifecycle) continue;
    model.lifecycle = { ...lifecycle, platforms: lifecycle.platforms.map((platform) => ({ ...platform })) };
    model.fieldSources.lifecycle = 'model-eol';
    if (candidates.length > 0) pending.push({ model, candidates, creator });
  }

  for (const item of pending) resolveReplacement(draft, item, recordIds, knownElsewhere, report);
  report.lifecycleOnly.sort(compareText);
  report.replacementStubs.sort(compareText);
  return report;
}

function resolveReplacement(draft: CatalogDraft, item: PendingReplacement, recordIds: ReadonlySet<string>, knownElsewhere: KnownElsewhere, report: LifecycleReport): void {
  const lifecycle = item.model.lifecycle;
  if (!lifecycle) return;
  const options = item.candidates.length > 1 ? `options: ${item.candidates.join(', ')}` : null;
  for (const candidate of item.candidates) {
    let target = draft.find(candidate);
    if (!target && (recordIds.has(candidate) || knownElsewhere(candidate, item.creator))) {
      target = minimalModel(candidate, item.creator);
      draft.add(target, parseModelId(candidate).key);
      report.replacementStubs.push(target.id);
    }
    if (target && target.id !== item.model.id) {
      lifecycle.replacement = target.id;
      lifecycle.replacementNote ??= options;
      return;
    }
  }
  lifecycle.replacement = null;
  lifecycle.replacementNote ??= `suggested ${item.candidates.join(', ')} (not in the catalog)`;
  report.droppedReplacements.push({ modelId: item.model.id, replacement: item.candidates.join(', ') });
}

export function lifecycleOf(record: EolRecord, fileSource: string | null): SnapshotLifecycle | null {
  const platforms: SnapshotPlatformRetirement[] = (record.distributions ?? [])
    .filter((distribution) => distribution.shutdown !== undefined)
    .map((distribution) => {
      const platform: SnapshotPlatformRetirement = { via: distribution.via, retiresAt: distribution.shutdown ?? '', source: distribution.source ?? null };
      if (distribution.announced !== undefined) platform.announced = distribution.announced;
      if (distribution.status !== undefined) platform.status = distribution.status;
      return platform;
    })
    .sort((left, right) => compareText(left.via, right.via) || compareText(left.retiresAt, right.retiresAt));
  const hasReplacement = record.replacement !== undefined || (record.replacement_options?.length ?? 0) > 0;
  if (record.announced === undefined && record.shutdown === undefined && !hasReplacement && platforms.length === 0) return null;
  const lifecycle: SnapshotLifecycle = {
    announced: record.announced ?? null,
    retiresAt: record.shutdown ?? null,
    retiresAtPrecision: precisionOf(record.shutdown, record.date_precision),
    replacement: null,
    replacementNote: record.replacement_note ?? null,
    notes: record.notes ?? null,
    platforms,
    source: record.source ?? fileSource,
  };
  if (record.shutdown !== undefined && record.date_precision === 'earliest') lifecycle.retiresAtIsEarliest = true;
  return lifecycle;
}

function precisionOf(date: string | undefined, stated: string | undefined): SnapshotLifecycle['retiresAtPrecision'] {
  if (date === undefined) return null;
  if (stated === 'day' || stated === 'month' || stated === 'year') return stated;
  if (/^\d{4}-\d{2}-\d{2}$/.test(date)) return 'day';
  if (/^\d{4}-\d{2}$/.test(date)) return 'month';
  if (/^\d{4}$/.test(date)) return 'year';
  return null;
}

function hasCreatorLifecycle(lifecycle: SnapshotLifecycle, candidates: string[]): boolean {
  return lifecycle.announced !== null || lifecycle.retiresAt !== null || candidates.length > 0;
}

/** An entry known only from lifecycle records or as a replacement: no offers, nothing guessed. */
export function minimalModel(id: string, creator: string): SnapshotModel {
  return blankModel(id, creator, kindOfName(id));
}

function kindOfName(id: string): SnapshotModel['kind'] {
  if (/embed|similarity|search-(ada|babbage|curie|davinci)/.test(id)) return 'embedding';
  if (/dall-e|imagen|image/.test(id)) return 'image';
  if (/tts|whisper|transcribe|audio|lyria/.test(id)) return 'audio';
  if (/moderation|sora|veo-|robotics/.test(id)) return 'other';
  return 'chat';
}

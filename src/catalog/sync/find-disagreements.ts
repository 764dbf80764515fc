/**
 * Where LiteLLM's own-creator entries say something else than the snapshot: retirement dates
 * (`deprecation_date` of any of them against the model-eol shutdown, `none` when the snapshot knows
 * of none) and the official input/output price (against the creator's main entry). Recorded for
 * people to check; the snapshot keeps its value.
 */
import type { SnapshotDisagreement, SnapshotModel } from '../catalog-snapshot.js';
import type { CatalogDraft } from './catalog-draft.js';
import type { LitellmIndex } from './fill-from-litellm.js';
import { compareText } from './group-offers.js';
import { perMillion } from './map-price.js';

export function findDisagreements(draft: CatalogDraft, index: LitellmIndex): SnapshotDisagreement[] {
  const found = new Map<string, SnapshotDisagreement>();
  const record = (item: SnapshotDisagreement): void => {
    found.set(`${item.modelId}\u0000${item.field}\u0000${item.other}`, item);
  };
  for (const model of draft.models.values()) {
    const matches = index.lookup(model.id, model.creator);
    for (const { entry } of matches) {
      if (entry.deprecation_date === undefined) continue;
      const snapshot = model.lifecycle?.retiresAt ?? 'none';
      if (snapshot !== entry.deprecation_date) {
        record({ modelId: model.id, field: 'lifecycle.retiresAt', snapshot, other: entry.deprecation_date, otherSource: 'litellm' });
      }
    }
    // Prices only against the creator's main entry: the others are regional or platform variants.
    const main = matches[0]?.entry;
    if (main && model.fieldSources.officialPrice === undefined) {
      comparePrice(model, 'input', perMillion(main.input_cost_per_token), record);
      comparePrice(model, 'output', perMillion(main.output_cost_per_token), record);
    }
  }
  return [...found.values()].sort(
    (left, right) => compareText(left.modelId, right.modelId) || compareText(left.field, right.field) || compareText(left.other, right.other),
  );
}

function comparePrice(model: SnapshotModel, field: 'input' | 'output', other: number | undefined, record: (item: SnapshotDisagreement) => void): void {
  const own = model.officialPrice?.[field];
  if (own === undefined || other === undefined) return;
  const scale = Math.max(Math.abs(own), Math.abs(other));
  if (scale === 0 || Math.abs(own - other) / scale < 1e-6) return;
  record({ modelId: model.id, field: `officialPrice.${field}`, snapshot: String(own), other: String(other), otherSource: 'litellm' });
}

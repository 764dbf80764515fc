/** The short text `catalog sync` prints: counts overall, per provider (top ones) and per status. */
import type { CatalogSnapshot } from '../catalog-snapshot.js';
import { modelStatus, type CatalogModelStatus } from '../model-status.js';
import type { SyncReport } from './build-catalog-snapshot.js';

export interface SnapshotCounts {
  models: number;
  /** Providers offering at least one model. */
  providers: number;
  /** Distinct models each provider offers, most first (ties by id). */
  perProvider: Array<[string, number]>;
  perStatus: Record<CatalogModelStatus, number>;
}

export function countSnapshot(snapshot: CatalogSnapshot, now: Date): SnapshotCounts {
  const perProvider = new Map<string, number>();
  const perStatus: Record<CatalogModelStatus, number> = { active: 0, preview: 0, deprecated: 0, retired: 0, coming_soon: 0 };
  for (const model of snapshot.models) {
    for (const provider of new Set(model.offers.map((offer) => offer.provider))) perProvider.set(provider, (perProvider.get(provider) ?? 0) + 1);
    perStatus[modelStatus(model, now)] += 1;
  }
  return {
    models: snapshot.models.length,
    providers: perProvider.size,
    perProvider: [...perProvider.entries()].sort(([leftId, left], [rightId, right]) => right - left || (leftId < rightId ? -1 : 1)),
    perStatus,
  };
}

export function summariseSnapshot(snapshot: CatalogSnapshot, report: SyncReport, now: Date, top = 20): string[] {
  const counts = countSnapshot(snapshot, now);
  const lines = [
    `catalog: ${counts.models} models from ${counts.providers} providers (sources of ${snapshot.sourcesDate})`,
    `by provider (top ${Math.min(top, counts.perProvider.length)}): ${counts.perProvider.slice(0, top).map(([id, count]) => `${id} ${count}`).join(', ')}`,
    `by status (as of ${now.toISOString().slice(0, 10)}): ${Object.entries(counts.perStatus).map(([status, count]) => `${status} ${count}`).join(', ')}`,
    `lifecycle-only models: ${report.lifecycle.lifecycleOnly.length}, replacement entries: ${report.lifecycle.replacementStubs.length}, left out unpriced: ${report.unpriced.length}, disagreements: ${snapshot.disagreements.length}`,
  ];
  if (report.lifecycle.droppedReplacements.length > 0) {
    lines.push(`replacements not in the catalog (dropped): ${report.lifecycle.droppedReplacements.map((item) => `${item.modelId} → ${item.replacement}`).join(', ')}`);
  }
  return lines;
}

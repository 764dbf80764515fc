/**
 * Every model answers to the ids its providers use for it (`openai/gpt-4o`, `us.anthropic.…-v1:0`),
 * to the names its lifecycle records give it, and to its lower-cased id. An alias that is another
 * model's id, or that two models would claim, is given to none (and reported).
 */
import type { SnapshotModel } from '../catalog-snapshot.js';
import { compareText } from './group-offers.js';

export function finalizeAliases(models: SnapshotModel[], extraAliases: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const ids = new Set(models.map((model) => model.id));
  const candidates = new Map<string, Set<string>>();
  const owners = new Map<string, Set<string>>();
  for (const model of models) {
    const names = new Set<string>([model.id.toLowerCase(), ...model.offers.map((offer) => offer.upstreamId), ...(extraAliases.get(model.id) ?? [])]);
    names.delete(model.id);
    candidates.set(model.id, names);
    for (const name of names) {
      const holders = owners.get(name) ?? new Set<string>();
      holders.add(model.id);
      owners.set(name, holders);
    }
  }
  const conflicts = new Set<string>();
  for (const model of models) {
    const names = candidates.get(model.id) ?? new Set<string>();
    model.aliases = [...names]
      .filter((name) => {
        const shared = (owners.get(name)?.size ?? 0) > 1;
        if (shared) conflicts.add(name);
        return !shared && !ids.has(name);
      })
      .sort(compareText);
  }
  return [...conflicts].sort(compareText);
}

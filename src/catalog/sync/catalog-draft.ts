/** The models being built, with the look-ups the later steps need (by id, key, spelling, alias). */
import type { SnapshotModel } from '../catalog-snapshot.js';
import { bedrockVendorOf, parseModelId, resolveModelKey } from './normalize-model-id.js';

export class CatalogDraft {
  readonly models = new Map<string, SnapshotModel>();
  /** Extra names each model should answer to (merged into `aliases` at the end). */
  readonly extraAliases = new Map<string, Set<string>>();
  private readonly idByKey = new Map<string, string>();

  constructor(
    readonly creatorKeys: ReadonlySet<string>,
    readonly prefixWords: ReadonlySet<string>,
  ) {}

  add(model: SnapshotModel, key: string): void {
    if (this.models.has(model.id)) throw new Error(`two catalog models would have the id ${model.id}`);
    this.models.set(model.id, model);
    if (!this.idByKey.has(key)) this.idByKey.set(key, model.id);
    const ownKey = model.id.toLowerCase();
    if (!this.idByKey.has(ownKey)) this.idByKey.set(ownKey, model.id);
  }

  remove(id: string): void {
    this.models.delete(id);
    this.extraAliases.delete(id);
    for (const [key, owner] of [...this.idByKey.entries()]) if (owner === id) this.idByKey.delete(key);
  }

  /** The model a name means: its id, its key, a creator spelling of it, or a recorded alias. */
  find(name: string): SnapshotModel | undefined {
    const exact = this.models.get(name);
    if (exact) return exact;
    const parsed = parseModelId(name);
    const byKey = this.idByKey.get(parsed.key) ?? this.idByKey.get(resolveModelKey(parsed.key, this.creatorKeys, this.prefixWords, bedrockVendorOf(parsed)));
    if (byKey) return this.models.get(byKey);
    for (const [id, aliases] of this.extraAliases) {
      if (aliases.has(name)) return this.models.get(id);
    }
    return undefined;
  }

  addAlias(model: SnapshotModel, alias: string): void {
    if (alias === model.id) return;
    const aliases = this.extraAliases.get(model.id) ?? new Set<string>();
    aliases.add(alias);
    this.extraAliases.set(model.id, aliases);
  }
}

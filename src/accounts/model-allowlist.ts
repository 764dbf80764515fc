/**
 * A key's model allowlist: exact model ids and simple glob patterns where `*` stands for any run
 * of characters (`gpt-4*`, `openai/*`, `*-mini`, or `*` alone for every model). Matching is
 * case-sensitive, as model ids are.
 */

export interface ModelAllowlist {
  /** True when the list is empty or holds `*`: every model is allowed. */
  readonly allowsEveryModel: boolean;
  /** True when any of the names a model is known by matches an entry. */
  allows(...names: readonly string[]): boolean;
}

const EVERY_MODEL: ModelAllowlist = { allowsEveryModel: true, allows: () => true };

/** Compiled lists by the `models` array they came from: a key record is compiled once, not per request. */
const compiledByEntries = new WeakMap<readonly string[], ModelAllowlist>();

/** The compiled allowlist of a key's `models`, cached for as long as that array lives. */
export function modelAllowlistOf(models: readonly string[]): ModelAllowlist {
  if (models.length === 0) return EVERY_MODEL;
  let compiled = compiledByEntries.get(models);
  if (!compiled) {
    compiled = compileModelAllowlist(models);
    compiledByEntries.set(models, compiled);
  }
  return compiled;
}

export function compileModelAllowlist(entries: readonly string[]): ModelAllowlist {
  const cleaned = entries.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
  if (cleaned.length === 0 || cleaned.includes('*')) return EVERY_MODEL;
  const exact = new Set(cleaned.filter((entry) => !entry.includes('*')));
  const patterns = cleaned.filter((entry) => entry.includes('*')).map(compileGlob);
  return {
    allowsEveryModel: false,
    allows(...names: readonly string[]): boolean {
      for (const name of names) {
        if (exact.has(name)) return true;
        for (const matches of patterns) if (matches(name)) return true;
      }
      return false;
    },
  };
}

/** True when the entry is a model id or a glob this module understands (for input validation). */
export function isModelAllowlistEntry(entry: string): boolean {
  const trimmed = entry.trim();
  return trimmed.length > 0 && trimmed.length <= 200 && !/\s/.test(trimmed);
}

/**
 * Matches without regular expressions, so no entry can make matching slow: the first literal must
 * start the name, the last must end it, and the ones between must appear in order (taking the
 * earliest place of each is always safe when `*` is the only wildcard).
 */
function compileGlob(glob: string): (name: string) => boolean {
  const literals = glob.split('*');
  const head = literals[0]!;
  const tail = literals[literals.length - 1]!;
  const middle = literals.slice(1, -1).filter((literal) => literal.length > 0);
  return (name) => {
    if (name.length < head.length + tail.length) return false;
    if (!name.startsWith(head) || !name.endsWith(tail)) return false;
    let position = head.length;
    const end = name.length - tail.length;
    for (const literal of middle) {
      const found = name.indexOf(literal, position);
      if (found === -1 || found + literal.length > end) return false;
      position = found + literal.length;
    }
    return true;
  };
}

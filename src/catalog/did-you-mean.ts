/**
 * "Did you mean …?" for unknown model names: close catalog ids by edit distance (separators
 * ignored, so `claude-sonnet-4.5` finds `claude-sonnet-4-5`) and by shared name tokens (so
 * `claude-4-sonnet` finds `claude-sonnet-4`). The candidates are indexed once; a lookup over
 * a few thousand names costs a few milliseconds, cheap enough for a 404 answer.
 */

const SEPARATORS = /[\s\-_.:/@]+/g;
const MINIMUM_SCORE = 0.6;
/** Longer names are not model names; they get no suggestions. */
const MAXIMUM_NAME_LENGTH = 200;

interface Candidate {
  id: string;
  compact: string;
  tokens: Set<string>;
}

interface Scored {
  id: string;
  score: number;
  editSimilarity: number;
}

export function compactName(name: string): string {
  return name.toLowerCase().replace(SEPARATORS, '');
}

/** Lower-case words of a name, split at separators and between letters and digits. */
export function nameTokens(name: string): Set<string> {
  const words = name
    .toLowerCase()
    .split(SEPARATORS)
    .flatMap((word) => word.match(/[a-z]+|[0-9]+|[^a-z0-9]+/g) ?? []);
  return new Set(words.filter((word) => word.length > 0));
}

// Two reusable rows: a 404 answer scores thousands of names, so nothing is allocated per name.
let previousRow = new Uint16Array(64);
let currentRow = new Uint16Array(64);

/** Levenshtein distance, or `limit + 1` as soon as it is known to exceed `limit`. */
export function boundedEditDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  if (right.length + 1 > previousRow.length) {
    previousRow = new Uint16Array(right.length + 1);
    currentRow = new Uint16Array(right.length + 1);
  }
  let previous = previousRow;
  let current = currentRow;
  for (let column = 0; column <= right.length; column++) previous[column] = column;
  for (let row = 1; row <= left.length; row++) {
    current[0] = row;
    let rowMinimum = row;
    const leftCode = left.charCodeAt(row - 1);
    for (let column = 1; column <= right.length; column++) {
      const substitution = previous[column - 1]! + (leftCode === right.charCodeAt(column - 1) ? 0 : 1);
      const deletion = previous[column]! + 1;
      const insertion = current[column - 1]! + 1;
      const value = substitution < deletion ? (substitution < insertion ? substitution : insertion) : deletion < insertion ? deletion : insertion;
      current[column] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    if (rowMinimum > limit) return limit + 1;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return previous[right.length]!;
}

export class NameSuggester {
  private readonly candidates: Candidate[];

  /** `entries`: every name worth matching (ids, aliases) with the id to suggest for it. */
  constructor(entries: Iterable<readonly [name: string, id: string]>) {
    this.candidates = [];
    const seen = new Set<string>();
    for (const [name, id] of entries) {
      const compact = compactName(name);
      const key = `${compact}\u0000${id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.candidates.push({ id, compact, tokens: nameTokens(name) });
    }
  }

  /** Up to `max` ids, closest first. */
  suggest(name: string, max = 3): string[] {
    const query = name.trim();
    if (query === '' || query.length > MAXIMUM_NAME_LENGTH || max <= 0) return [];
    const best = new Map<string, Scored>();
    const leaders: Scored[] = [];
    const probes = [query];
    // `provider/model` with a typo in the model part: the model part alone is the better probe.
    const slash = query.indexOf('/');
    if (slash > 0 && slash < query.length - 1) probes.push(query.slice(slash + 1));
    for (const probe of probes) this.scoreAll(probe, max, best, leaders);
    return [...best.values()]
      .sort(compareScored)
      .slice(0, max)
      .map((scored) => scored.id);
  }

  /**
   * Scores every candidate into `best` (per id). `leaders` holds the `max` best ids so far: a
   * candidate that cannot reach the weakest of them is cut short, which keeps the edit distance
   * bound tight once good matches are found.
   */
  private scoreAll(probe: string, max: number, best: Map<string, Scored>, leaders: Scored[]): void {
    const compact = compactName(probe);
    const tokens = nameTokens(probe);
    for (const candidate of this.candidates) {
      let shared = 0;
      for (const token of tokens) if (candidate.tokens.has(token)) shared++;
      const union = tokens.size + candidate.tokens.size - shared;
      const jaccard = union === 0 ? 0 : shared / union;
      const containment = tokens.size === 0 ? 0 : shared / tokens.size;
      // Shared tokens count a little less than spelling: near-identical spellings come first.
      const tokenScore = Math.max(jaccard * 0.95, containment * 0.8);
      const weakestLeader = leaders.length < max ? MINIMUM_SCORE : Math.max(MINIMUM_SCORE, (leaders[leaders.length - 1] as Scored).score);
      const required = tokenScore >= weakestLeader ? MINIMUM_SCORE : weakestLeader;
      const longest = Math.max(compact.length, candidate.compact.length, 1);
      const limit = Math.floor((1 - required) * longest + 1e-9);
      const distance = boundedEditDistance(compact, candidate.compact, limit);
      const editSimilarity = distance > limit ? 0 : 1 - distance / longest;
      const score = Math.max(editSimilarity, tokenScore);
      if (score < weakestLeader) continue;
      const known = best.get(candidate.id);
      if (known && (score < known.score || (score === known.score && editSimilarity <= known.editSimilarity))) continue;
      const scored = { id: candidate.id, score, editSimilarity };
      best.set(candidate.id, scored);
      updateLeaders(leaders, scored, max);
    }
  }
}

function compareScored(left: Scored, right: Scored): number {
  return right.score - left.score || right.editSimilarity - left.editSimilarity || left.id.length - right.id.length || (left.id < right.id ? -1 : 1);
}

/** Keeps the `max` best distinct ids, best first. */
function updateLeaders(leaders: Scored[], scored: Scored, max: number): void {
  const index = leaders.findIndex((leader) => leader.id === scored.id);
  if (index >= 0) leaders[index] = scored;
  else if (leaders.length < max) leaders.push(scored);
  else if (compareScored(scored, leaders[leaders.length - 1] as Scored) < 0) leaders[leaders.length - 1] = scored;
  else return;
  leaders.sort(compareScored);
}

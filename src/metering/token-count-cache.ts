/**
 * Remembers token counts of prompt texts. Clients resend the same texts on every request: the
 * roles, a system prompt, tool definitions, and in a conversation every earlier turn. Looking a
 * text up costs a hash and a comparison of its characters; counting it again costs the tokenizer's
 * splitting and merging, one to two orders of magnitude more. Counting is a pure function of the
 * text, so a remembered count is exact.
 *
 * Bounded by the characters it keeps; the least recently used texts go first. The order of use is
 * a linked list beside the map, so a repeat only moves its entry: deleting and re-adding the key
 * instead costs two more hash-table operations per text, and the deleted slots make the table
 * rebuild itself every few requests.
 */
export class TokenCountCache {
  private readonly entries = new Map<string, CachedCount>();
  /** Least recently used first. */
  private oldest: CachedCount | null = null;
  private newest: CachedCount | null = null;
  private characters = 0;

  constructor(
    private readonly count: (text: string) => number,
    private readonly maxCharacters: number,
    /** Texts longer than this are counted every time rather than crowd out many shorter ones. */
    private readonly maxTextCharacters: number = Math.floor(maxCharacters / 8),
  ) {}

  tokens(text: string): number {
    const known = this.entries.get(text);
    if (known !== undefined) {
      if (known !== this.newest) {
        this.unlink(known);
        this.append(known);
      }
      return known.tokens;
    }
    const counted = this.count(text);
    if (text.length <= this.maxTextCharacters) this.remember(text, counted);
    return counted;
  }

  /** Texts remembered, and their characters (for tests and diagnostics). */
  get size(): { texts: number; characters: number } {
    return { texts: this.entries.size, characters: this.characters };
  }

  private remember(text: string, tokens: number): void {
    const entry: CachedCount = { text, tokens, older: null, newer: null };
    this.entries.set(text, entry);
    this.append(entry);
    this.characters += text.length;
    while (this.characters > this.maxCharacters && this.oldest !== null) {
      const evicted = this.oldest;
      this.unlink(evicted);
      this.entries.delete(evicted.text);
      this.characters -= evicted.text.length;
    }
  }

  private append(entry: CachedCount): void {
    entry.older = this.newest;
    entry.newer = null;
    if (this.newest === null) this.oldest = entry;
    else this.newest.newer = entry;
    this.newest = entry;
  }

  private unlink(entry: CachedCount): void {
    if (entry.older === null) this.oldest = entry.newer;
    else entry.older.newer = entry.newer;
    if (entry.newer === null) this.newest = entry.older;
    else entry.newer.older = entry.older;
    entry.older = null;
    entry.newer = null;
  }
}

interface CachedCount {
  readonly text: string;
  readonly tokens: number;
  older: CachedCount | null;
  newer: CachedCount | null;
}

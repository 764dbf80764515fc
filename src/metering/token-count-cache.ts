/**
 * Remembers token counts of prompt texts. Clients resend the same texts on every request: the
 * roles, a system prompt, tool definitions, and in a conversation every earlier turn. Looking a
 * text up costs a hash and a comparison of its characters; counting it again costs the tokenizer's
 * splitting and merging, one to two orders of magnitude more. Counting is a pure function of the
 * text, so a remembered count is exact.
 *
 * Bounded by the characters it keeps; the least recently used texts go first.
 */
export class TokenCountCache {
  private readonly counts = new Map<string, number>();
  private characters = 0;

  constructor(
    private readonly count: (text: string) => number,
    private readonly maxCharacters: number,
    /** Texts longer than this are counted every time rather than crowd out many shorter ones. */
    private readonly maxTextCharacters: number = Math.floor(maxCharacters / 8),
  ) {}

  tokens(text: string): number {
    const known = this.counts.get(text);
    if (known !== undefined) {
      // Re-inserted to move it to the back of the eviction order.
      this.counts.delete(text);
      this.counts.set(text, known);
      return known;
    }
    const counted = this.count(text);
    if (text.length <= this.maxTextCharacters) this.remember(text, counted);
    return counted;
  }

  /** Texts remembered, and their characters (for tests and diagnostics). */
  get size(): { texts: number; characters: number } {
    return { texts: this.counts.size, characters: this.characters };
  }

  private remember(text: string, counted: number): void {
    this.counts.set(text, counted);
    this.characters += text.length;
    for (const oldest of this.counts.keys()) {
      if (this.characters <= this.maxCharacters) break;
      this.counts.delete(oldest);
      this.characters -= oldest.length;
    }
  }
}

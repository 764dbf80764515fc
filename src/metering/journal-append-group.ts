/**
 * Gathers the journal appends of one turn of the event loop into one write.
 *
 * Each `write` to the journal cost about 17 µs of CPU per request under load (measured with the
 * write removed), far more than encoding the line. Requests that end in the same turn of the
 * event loop (all the I/O callbacks of one poll phase) are appended together from an immediate,
 * which runs right after that phase, before the loop waits for more I/O.
 *
 * A request's answer must not reach its client before its record is in the journal (the OS has
 * it, so it survives the process being killed). `whenWritten` gives the promise to wait on, or
 * null when the record is already written.
 *
 * With one request in flight no other record can join a turn's, and deferring the write only
 * costs: the gateway then writes at once (`writeAtOnce`), and the answer leaves without waiting
 * for the immediate and a promise. At one client, four side-by-side runs of the builds without and
 * with it read median ratios of 0.88, 0.93, 0.99 and 1.06 of CPU per request (a noisy hour).
 */
const never = (): boolean => false;

export class JournalAppendGroup<Item> {
  private items: Item[] = [];
  private scheduled = false;
  private waiting: { promise: Promise<void>; resolve: () => void } | null = null;

  /**
   * `write` appends the items, in order; it must not throw (failures are its own to handle).
   * `writeAtOnce`, when it says true, has an item written as it is added, with any others waiting:
   * for a caller that knows no other item can join it in this turn.
   */
  constructor(
    private readonly write: (items: Item[]) => void,
    private readonly writeAtOnce: () => boolean = never,
  ) {}

  get size(): number {
    return this.items.length;
  }

  add(item: Item): void {
    this.items.push(item);
    if (this.writeAtOnce()) {
      this.writeNow();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writeScheduled);
    }
  }

  /** Resolves once every item added so far is written; null when none is waiting. */
  whenWritten(): Promise<void> | null {
    if (this.items.length === 0) return null;
    if (this.waiting === null) {
      let resolve!: () => void;
      const promise = new Promise<void>((settle) => {
        resolve = settle;
      });
      this.waiting = { promise, resolve };
    }
    return this.waiting.promise;
  }

  /** Writes what is waiting now (before a store batch, a flush or closing). */
  writeNow(): void {
    if (this.items.length === 0) return;
    const items = this.items;
    const waiting = this.waiting;
    this.items = [];
    this.waiting = null;
    try {
      this.write(items);
    } finally {
      waiting?.resolve();
    }
  }

  private readonly writeScheduled = (): void => {
    this.scheduled = false;
    this.writeNow();
  };
}

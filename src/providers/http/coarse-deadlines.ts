/**
 * Deadlines for an upstream exchange. Nearly every one is cancelled long before it is due (a first
 * byte within 10 minutes, a whole exchange within 30), yet a Node timer for each cost two timer
 * objects, two reads of the loop's clock and two list updates per request, about 1 µs of a small
 * chat request's CPU.
 *
 * Deadlines of `COARSE_FROM_MS` or more share one list instead, which a single timer checks every
 * `RESOLUTION_MS` while the list is not empty: setting one links a small node into that list,
 * cancelling it unlinks the node, so nothing of a finished request stays behind for the collector
 * to copy. Such a deadline fires at the first check once its delay has passed: at most
 * `RESOLUTION_MS` late, 5 % of the shortest such delay (later only if the event loop is held up,
 * as any timer would be). Shorter deadlines keep a timer of their own and its precision.
 */

export interface Deadline {
  /** Stops the deadline from firing; calling it again, or after it fired, does nothing. */
  cancel(): void;
}

export const COARSE_FROM_MS = 5_000;
export const RESOLUTION_MS = 250;

const NEVER: Deadline = { cancel() {} };

class CoarseDeadline implements Deadline {
  previous: CoarseDeadline | null = null;
  next: CoarseDeadline | null = null;

  constructor(
    readonly dueAt: number,
    public onExpiry: (() => void) | null,
  ) {}

  cancel(): void {
    if (this.onExpiry === null) return;
    this.onExpiry = null;
    unlink(this);
  }
}

class PreciseDeadline implements Deadline {
  constructor(private readonly timer: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timer);
  }
}

let head: CoarseDeadline | null = null;
let tail: CoarseDeadline | null = null;
let ticker: NodeJS.Timeout | null = null;

/** Calls `onExpiry` once `delayMs` has passed, unless cancelled first; 0 or less: never. */
export function startDeadline(delayMs: number, onExpiry: () => void): Deadline {
  if (!(delayMs > 0)) return NEVER;
  if (delayMs < COARSE_FROM_MS) return new PreciseDeadline(setTimeout(onExpiry, delayMs));
  const deadline = new CoarseDeadline(Date.now() + delayMs, onExpiry);
  deadline.previous = tail;
  if (tail) tail.next = deadline;
  else head = deadline;
  tail = deadline;
  if (ticker === null) {
    ticker = setInterval(tick, RESOLUTION_MS);
    // The exchange's socket keeps the process alive while it matters, not its deadline.
    ticker.unref();
  }
  return deadline;
}

/** How many coarse deadlines are waiting (for tests). */
export function coarseDeadlinesWaiting(): number {
  let count = 0;
  for (let node = head; node !== null; node = node.next) count += 1;
  return count;
}

function unlink(deadline: CoarseDeadline): void {
  if (deadline.previous) deadline.previous.next = deadline.next;
  else if (head === deadline) head = deadline.next;
  if (deadline.next) deadline.next.previous = deadline.previous;
  else if (tail === deadline) tail = deadline.previous;
  deadline.previous = null;
  deadline.next = null;
}

function tick(): void {
  const now = Date.now();
  const due: Array<() => void> = [];
  for (let node = head; node !== null; ) {
    const next = node.next;
    if (node.dueAt <= now && node.onExpiry !== null) {
      due.push(node.onExpiry);
      node.onExpiry = null;
      unlink(node);
    }
    node = next;
  }
  if (head === null && ticker !== null) {
    clearInterval(ticker);
    ticker = null;
  }
  // Called after the list is settled, so that a callback may set or cancel deadlines itself.
  for (const onExpiry of due) {
    try {
      onExpiry();
    } catch (error) {
      // As a timer's callback would: the failure reaches the process, the other deadlines still fire.
      process.nextTick(() => {
        throw error;
      });
    }
  }
}

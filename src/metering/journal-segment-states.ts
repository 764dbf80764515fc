/** What the settlement writer knows of each journal segment: how much of it awaits the store. */
import type { JournalPosition } from './settlement-journal.js';

export interface SegmentState {
  /** Settlements in the segment known and not yet confirmed. */
  outstanding: number;
  /** Left by an earlier run: its settlements are counted as they are read back. */
  countedOnRead: boolean;
  /** Some of it has not been read back yet (earlier runs' segments only). */
  unread: boolean;
}

export class JournalSegmentStates {
  private readonly states = new Map<number, SegmentState>();

  /** A segment left by an earlier run, not read back yet. */
  addLeftover(segment: number): void {
    this.states.set(segment, { outstanding: 0, countedOnRead: true, unread: true });
  }

  /** The segment's state, created (for a segment of this run) when new. */
  of(segment: number): SegmentState {
    let state = this.states.get(segment);
    if (!state) {
      state = { outstanding: 0, countedOnRead: false, unread: false };
      this.states.set(segment, state);
    }
    return state;
  }

  get(segment: number): SegmentState | undefined {
    return this.states.get(segment);
  }

  delete(segment: number): void {
    this.states.delete(segment);
  }

  /**
   * Segments whose every settlement is read and confirmed, other than the one being appended to
   * and those the backlog still has to read.
   */
  confirmed(current: number | null, backlog: JournalPosition | null): number[] {
    const found: number[] = [];
    for (const [segment, state] of this.states) {
      if (segment === current) continue;
      if (state.outstanding > 0 || state.unread) continue;
      if (backlog !== null && backlog.segment <= segment) continue;
      found.push(segment);
    }
    return found;
  }
}

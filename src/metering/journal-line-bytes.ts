/**
 * Settlement journal lines as bytes. A turn's lines are encoded once, into scratch memory that the
 * journal writes from; the lines of the records waiting for the store are then kept, in queue
 * order, in one ring of bytes (`QueuedLineBytes`) until the store confirms them.
 *
 * Kept as strings, those lines were the largest share of what every young collection copied and
 * promoted at 64 clients. Kept as a buffer per turn, they left the heap but each buffer outlived
 * two young collections, so the memory outside the heap grew until a full collection freed it:
 * twice as many full collections. The ring is allocated once and reused.
 */

/** A turn's lines, each with its "\n", back to back in `bytes`; `ends[i]` is where line i ends. */
export interface EncodedJournalLines {
  /** Valid until the next `encodeJournalLines`: it views reused scratch memory. */
  readonly bytes: Buffer;
  readonly ends: readonly number[];
}

const NEWLINE = 0x0a;
// UTF-8 takes at most three bytes per UTF-16 code unit.
const MOST_BYTES_PER_CODE_UNIT = 3;

let scratch: Buffer = Buffer.allocUnsafeSlow(64 * 1024);

/** Encodes lines (each ending in "\n") as UTF-8, back to back. */
export function encodeJournalLines(lines: readonly string[]): EncodedJournalLines {
  let length = 0;
  const ends: number[] = [];
  for (const line of lines) {
    const room = line.length * MOST_BYTES_PER_CODE_UNIT;
    if (scratch.length - length < room) scratch = grown(scratch, length, length + room);
    length += scratch.write(line, length, 'utf8');
    ends.push(length);
  }
  return { bytes: scratch.subarray(0, length), ends };
}

/** True when every line ends with "\n" and the last one ends the bytes. */
export function isWholeLines(encoded: EncodedJournalLines): boolean {
  let start = 0;
  for (const end of encoded.ends) {
    if (end <= start || encoded.bytes[end - 1] !== NEWLINE) return false;
    start = end;
  }
  return start === encoded.bytes.length;
}

/** Splits lines back into strings without their "\n"; null when the bytes do not end a line. */
export function splitJournalLines(bytes: Uint8Array): string[] | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.length === 0) return [];
  if (!text.endsWith('\n')) return null;
  return text.slice(0, -1).split('\n');
}

/**
 * Bytes appended at the back and released from the front, addressed by positions that only grow
 * (a ring underneath, doubled when full). A queue keeps each record's line as the positions of its
 * first and past-last byte.
 */
export class QueuedLineBytes {
  private ring: Buffer;
  /** Position of the oldest byte kept. */
  private head = 0;
  /** Position after the newest byte. */
  private tail = 0;

  constructor(initialBytes = 256 * 1024) {
    this.ring = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes kept now. */
  get size(): number {
    return this.tail - this.head;
  }

  /** Keeps `source[start, end)`; returns the position of its first byte. */
  append(source: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (this.size + length > this.ring.length) this.grow(this.size + length);
    const at = this.tail;
    this.copyIn(source, start, end, at);
    this.tail += length;
    return at;
  }

  /** A copy of the bytes between two positions, in memory of its own (it can move to another thread). */
  copyOut(from: number, to: number): Buffer {
    if (from < this.head || to > this.tail || from > to) throw new RangeError(`bytes ${from}..${to} are not kept (${this.head}..${this.tail})`);
    const copy = Buffer.allocUnsafeSlow(to - from);
    const capacity = this.ring.length;
    const first = from % capacity;
    const firstLength = Math.min(to - from, capacity - first);
    this.ring.copy(copy, 0, first, first + firstLength);
    if (firstLength < to - from) this.ring.copy(copy, firstLength, 0, to - from - firstLength);
    return copy;
  }

  /** Forgets every byte before `position`. */
  releaseBefore(position: number): void {
    this.head = Math.min(Math.max(this.head, position), this.tail);
  }

  private copyIn(source: Uint8Array, start: number, end: number, at: number): void {
    const capacity = this.ring.length;
    const first = at % capacity;
    const firstLength = Math.min(end - start, capacity - first);
    this.ring.set(source.subarray(start, start + firstLength), first);
    if (firstLength < end - start) this.ring.set(source.subarray(start + firstLength, end), 0);
  }

  private grow(needed: number): void {
    const kept = this.copyOut(this.head, this.tail);
    let capacity = this.ring.length * 2;
    while (capacity < needed) capacity *= 2;
    this.ring = Buffer.allocUnsafeSlow(capacity);
    this.copyIn(kept, 0, kept.length, this.head);
  }
}

function grown(buffer: Buffer, keep: number, needed: number): Buffer {
  const larger = Buffer.allocUnsafeSlow(Math.max(needed, buffer.length * 2));
  buffer.copy(larger, 0, 0, keep);
  return larger;
}

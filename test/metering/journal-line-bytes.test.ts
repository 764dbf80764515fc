import { describe, expect, it } from 'vitest';
import { encodeJournalLines, isWholeLines, QueuedLineBytes, splitJournalLines } from '../../src/metering/journal-line-bytes.js';

describe('journal line bytes', () => {
  it('encodes lines as UTF-8 back to back, with where each ends', () => {
    const lines = ['{"a":1}\n', '{"b":"日本語 ✓ 🚀"}\n', '\n'];
    const encoded = encodeJournalLines(lines);
    expect(encoded.bytes.toString('utf8')).toBe(lines.join(''));
    expect(encoded.ends).toEqual([8, 8 + Buffer.byteLength(lines[1]!), encoded.bytes.length]);
    expect(isWholeLines(encoded)).toBe(true);
  });

  it('grows past its scratch space for long lines, and encodes nothing as nothing', () => {
    const long = `${'x'.repeat(70_000)}é\n`;
    const encoded = encodeJournalLines(['{}\n', long]);
    expect(encoded.bytes.toString('utf8')).toBe(`{}\n${long}`);
    expect(encoded.ends).toEqual([3, 3 + Buffer.byteLength(long)]);
    expect(encodeJournalLines([]).bytes.length).toBe(0);
  });

  it('tells lines that do not end in a newline', () => {
    expect(isWholeLines(encodeJournalLines(['{}\n', '{}']))).toBe(false);
    expect(isWholeLines(encodeJournalLines(['{}', '\n']))).toBe(false);
    expect(isWholeLines({ bytes: Buffer.from('{}\n{}\n'), ends: [3] })).toBe(false);
  });

  it('splits lines back without their newlines, and refuses a cut-off last line', () => {
    expect(splitJournalLines(Buffer.from('a\nb é\n\n'))).toEqual(['a', 'b é', '']);
    expect(splitJournalLines(new Uint8Array(0))).toEqual([]);
    expect(splitJournalLines(Buffer.from('a\nb'))).toBeNull();
  });
});

describe('QueuedLineBytes', () => {
  it('keeps appended bytes in order and copies any kept range out into memory of its own', () => {
    const queued = new QueuedLineBytes(16);
    const first = queued.append(Buffer.from('xxone\n'), 2, 6);
    const second = queued.append(Buffer.from('two\n'), 0, 4);
    expect([first, second, queued.size]).toEqual([0, 4, 8]);
    const copy = queued.copyOut(first, second + 4);
    expect(copy.toString()).toBe('one\ntwo\n');
    expect(copy.buffer.byteLength).toBe(copy.length);
    expect(queued.copyOut(second, second + 4).toString()).toBe('two\n');
  });

  it('reuses released space across the end of its ring, and grows keeping what it holds', () => {
    const queued = new QueuedLineBytes(8);
    const a = queued.append(Buffer.from('abcdef'), 0, 6);
    queued.releaseBefore(a + 4);
    // 2 bytes kept; 5 more wrap around the end of the 8-byte ring.
    const b = queued.append(Buffer.from('12345'), 0, 5);
    expect(queued.copyOut(a + 4, b + 5).toString()).toBe('ef12345');
    // Past the ring's size: it doubles, positions unchanged.
    const c = queued.append(Buffer.from('ABCDEFGHIJ'), 0, 10);
    expect(queued.size).toBe(17);
    expect(queued.copyOut(a + 4, c + 10).toString()).toBe('ef12345ABCDEFGHIJ');
    expect(queued.copyOut(c, c + 3).toString()).toBe('ABC');
  });

  it('refuses to copy bytes it no longer keeps', () => {
    const queued = new QueuedLineBytes(8);
    const a = queued.append(Buffer.from('abcd'), 0, 4);
    queued.releaseBefore(a + 2);
    expect(() => queued.copyOut(a, a + 4)).toThrow(RangeError);
    expect(() => queued.copyOut(a + 2, a + 5)).toThrow(RangeError);
  });
});

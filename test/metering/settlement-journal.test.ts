import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { journalDirectory, SettlementJournal } from '../../src/metering/settlement-journal.js';
import { decodeSettlementLine, encodeSettlementLine } from '../../src/metering/settlement-line.js';
import { generationIdOf, makeSettlement } from './settlement-fixtures.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'switchyard-journal-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
function freshDirectory(): string {
  counter += 1;
  return journalDirectory(path.join(scratch, `data-${counter}`));
}

describe('settlement lines', () => {
  it('round-trip a settlement with money beyond 2^53 exactly', () => {
    const settlement = makeSettlement('gen-big', 9_007_199_254_740_993_123n, { keyId: null, ttftMs: null });
    const line = encodeSettlementLine(settlement);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.split('\n')).toHaveLength(2);
    // The charge, the line's 24th value, is written as a decimal string.
    expect(line).toContain(',"9007199254740993123",');
    expect((JSON.parse(line) as unknown[])[23]).toBe('9007199254740993123');
    expect(decodeSettlementLine(line.trimEnd())).toEqual(settlement);
  });

  it('refuses lines that are not whole settlements', () => {
    const line = encodeSettlementLine(makeSettlement('gen-1')).trimEnd();
    expect(() => decodeSettlementLine(line.slice(0, -5))).toThrow();
    expect(() => decodeSettlementLine('{"v":1,"generation":{},"charge":"1"}')).toThrow();
    const values = JSON.parse(line) as unknown[];
    expect(values[23]).toBe('1000');
    values[23] = 1000;
    expect(() => decodeSettlementLine(JSON.stringify(values))).toThrow(/charge/);
  });
});

describe('SettlementJournal', () => {
  it('replays what an earlier instance appended, in order', () => {
    const directory = freshDirectory();
    const writer = new SettlementJournal({ directory });
    const written = [makeSettlement('gen-a', 1n), makeSettlement('gen-b', 2n), makeSettlement('gen-c', 3n)];
    for (const settlement of written) writer.append(settlement);
    writer.close();

    expect(new SettlementJournal({ directory }).replay()).toEqual(written);
  });

  it('writes each append to the file before returning', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const position = journal.append(makeSettlement('gen-visible'));
    const file = path.join(directory, readdirSync(directory)[0]!);
    expect(readFileSync(file, 'utf8')).toBe(encodeSettlementLine(makeSettlement('gen-visible')));
    expect(position).toEqual({ segment: 1, offset: 0 });
    const second = journal.append(makeSettlement('gen-next'));
    expect(second.offset).toBe(Buffer.byteLength(encodeSettlementLine(makeSettlement('gen-visible'))));
    journal.close();
  });

  it('tolerates a torn last line and never appends behind it', () => {
    const directory = freshDirectory();
    const first = new SettlementJournal({ directory });
    first.append(makeSettlement('gen-1'));
    first.append(makeSettlement('gen-2'));
    first.close();
    const [segmentName] = readdirSync(directory);
    const torn = encodeSettlementLine(makeSettlement('gen-3'));
    appendFileSync(path.join(directory, segmentName!), torn.slice(0, torn.length - 20));

    const second = new SettlementJournal({ directory });
    expect(second.replay().map(generationIdOf)).toEqual(['gen-1', 'gen-2']);
    const read = second.readSegment(second.leftoverSegments()[0]!, 0, 100);
    expect(read.skippedLines).toBe(1);
    expect(read.complete).toBe(true);

    const position = second.append(makeSettlement('gen-4'));
    expect(position.segment).toBeGreaterThan(second.leftoverSegments()[0]!);
    second.close();
    const third = new SettlementJournal({ directory });
    expect(third.replay().map(generationIdOf)).toEqual(['gen-1', 'gen-2', 'gen-4']);
  });

  it('accepts a whole last line that lost only its newline', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory });
    journal.open();
    appendFileSync(
      path.join(directory, 'segment-000000000007.ndjson'),
      encodeSettlementLine(makeSettlement('gen-1')) + encodeSettlementLine(makeSettlement('gen-2')).trimEnd(),
    );
    expect(new SettlementJournal({ directory }).replay().map(generationIdOf)).toEqual([
      'gen-1',
      'gen-2',
    ]);
  });

  it('skips damaged lines in the middle and keeps the rest', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory });
    journal.open();
    appendFileSync(
      path.join(directory, 'segment-000000000001.ndjson'),
      encodeSettlementLine(makeSettlement('gen-1')) + '\0\0\0\0\n' + encodeSettlementLine(makeSettlement('gen-2')),
    );
    const reader = new SettlementJournal({ directory });
    const read = reader.readSegment(1, 0, 100);
    expect(read.records.map(generationIdOf)).toEqual(['gen-1', 'gen-2']);
    expect(read.skippedLines).toBe(1);
  });

  it('reads a segment in pieces from byte offsets', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory });
    for (let index = 0; index < 10; index += 1) journal.append(makeSettlement(`gen-${index}`));
    const segment = journal.currentSegment!;
    const ids: string[] = [];
    let offset = 0;
    let reads = 0;
    for (;;) {
      const read = journal.readSegment(segment, offset, 3);
      reads += 1;
      ids.push(...read.records.map(generationIdOf));
      offset = read.nextOffset;
      if (read.complete) break;
    }
    expect(ids).toEqual(Array.from({ length: 10 }, (_, index) => `gen-${index}`));
    expect(reads).toBe(4);
    journal.close();
  });

  it('rotates by size and on demand, and deletes only rotated segments', async () => {
    const directory = freshDirectory();
    const lineBytes = Buffer.byteLength(encodeSettlementLine(makeSettlement('gen-00')));
    const journal = new SettlementJournal({ directory, maxSegmentBytes: lineBytes * 2 });
    for (let index = 0; index < 5; index += 1) journal.append(makeSettlement(`gen-0${index}`));
    expect(journal.segments()).toEqual([1, 2, 3]);
    expect(journal.currentSegment).toBe(3);
    expect(() => journal.deleteSegment(3)).toThrow();
    expect(journal.rotate()).toBe(3);
    expect(journal.currentSegment).toBeNull();
    expect(journal.rotate()).toBeNull();
    journal.deleteSegment(1);
    expect(journal.segments()).toEqual([2, 3]);
    expect(journal.segmentAfter(1)).toBe(2);
    journal.close();
    // Removal runs off the event loop; a later run sees it done.
    await journal.removalsFinished();
    expect(new SettlementJournal({ directory }).replay().map(generationIdOf)).toEqual([
      'gen-02',
      'gen-03',
      'gen-04',
    ]);
  });

  it('works with fsync on every append and with fsync off', () => {
    for (const fsyncIntervalMs of [0, null]) {
      const directory = freshDirectory();
      const journal = new SettlementJournal({ directory, fsyncIntervalMs });
      journal.append(makeSettlement('gen-1'));
      journal.rotate();
      journal.append(makeSettlement('gen-2'));
      journal.sync();
      journal.close();
      expect(new SettlementJournal({ directory }).replay()).toHaveLength(2);
    }
  });

  it('appends a line already encoded as append would, and refuses one without its newline', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    const line = encodeSettlementLine(makeSettlement('gen-encoded'));
    expect(journal.appendLine(line)).toEqual({ segment: 1, offset: 0 });
    expect(() => journal.appendLine(line.trimEnd())).toThrow(/newline/);
    const second = journal.append(makeSettlement('gen-next'));
    expect(second).toEqual({ segment: 1, offset: Buffer.byteLength(line) });
    const file = path.join(directory, readdirSync(directory)[0]!);
    expect(readFileSync(file, 'utf8')).toBe(line + encodeSettlementLine(makeSettlement('gen-next')));
    journal.close();
  });

  it('reads back, with each record, the line it was decoded from', () => {
    const directory = freshDirectory();
    const journal = new SettlementJournal({ directory, fsyncIntervalMs: null });
    journal.open();
    const [first, second] = [makeSettlement('gen-1', 2n ** 60n + 1n), makeSettlement('gen-2')];
    appendFileSync(path.join(directory, 'segment-000000000001.ndjson'), encodeSettlementLine(first!) + 'damaged\n' + encodeSettlementLine(second!));
    const read = new SettlementJournal({ directory }).readSegment(1, 0, 100);
    expect(read.records.map(generationIdOf)).toEqual(['gen-1', 'gen-2']);
    expect(read.lines).toEqual([encodeSettlementLine(first!).trimEnd(), encodeSettlementLine(second!).trimEnd()]);
    expect(read.skippedLines).toBe(1);
  });

  it('refuses appends after close', () => {
    const journal = new SettlementJournal({ directory: freshDirectory() });
    journal.close();
    expect(() => journal.append(makeSettlement('gen-late'))).toThrow(/closed/);
  });
});

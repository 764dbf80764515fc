import { describe, expect, it } from 'vitest';
import { readServerSentEventBatches } from '../../src/providers/http/read-server-sent-events.js';

async function* inPieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.slice(offset, offset + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const data: string[] = [];
  for await (const batch of readServerSentEventBatches(source[Symbol.asyncIterator]())) for (const event of batch) data.push(event.data);
  return data;
}

describe('readServerSentEventBatches', () => {
  const stream = ': keep-alive comment\n\ndata: {"a":"héllo 😀"}\n\ndata: line one\ndata: line two\n\r\ndata: [DONE]\n\n';

  it.each([1, 2, 3, 7, 1000])('gives the same events when bytes arrive %i at a time', async (size) => {
    expect(await collect(inPieces(stream, size))).toEqual(['{"a":"héllo 😀"}', 'line one\nline two', '[DONE]']);
  });

  it('does not deliver a final event that the server never completed', async () => {
    expect(await collect(inPieces('data: one\n\ndata: two', 4))).toEqual(['one']);
  });
});

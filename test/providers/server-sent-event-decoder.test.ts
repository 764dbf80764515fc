import { describe, expect, it } from 'vitest';
import { ServerSentEventDecoder } from '../../src/providers/http/server-sent-event-decoder.js';

function decodeInPieces(text: string, size: number): string[] {
  const data: string[] = [];
  const decoder = new ServerSentEventDecoder((event) => data.push(event.data));
  const bytes = new TextEncoder().encode(text);
  for (let offset = 0; offset < bytes.length; offset += size) decoder.feed(bytes.slice(offset, offset + size));
  decoder.end();
  return data;
}

describe('ServerSentEventDecoder', () => {
  const stream = ': keep-alive comment\n\ndata: {"a":"héllo 😀"}\n\ndata: line one\ndata: line two\n\r\ndata: [DONE]\n\n';

  it.each([1, 2, 3, 7, 1000])('gives the same events when bytes arrive %i at a time', (size) => {
    expect(decodeInPieces(stream, size)).toEqual(['{"a":"héllo 😀"}', 'line one\nline two', '[DONE]']);
  });

  it('does not deliver a final event that the server never completed', () => {
    expect(decodeInPieces('data: one\n\ndata: two', 4)).toEqual(['one']);
  });
});

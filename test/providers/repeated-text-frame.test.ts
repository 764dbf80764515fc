import { describe, expect, it } from 'vitest';
import { RepeatedTextFrame } from '../../src/providers/http/index.js';

interface Chunk {
  id: string;
  choices: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: null | { total_tokens: number };
  obfuscation?: string;
}

const chunk = (content: unknown, extra: Partial<Chunk> = {}): Chunk => ({
  id: 'chatcmpl-1',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  usage: null,
  ...extra,
});

/** The chunk as it would parse, with its text and its padding taken out: what must stay the same. */
function framing(parsed: Chunk): unknown {
  const copy = structuredClone(parsed);
  copy.choices[0]!.delta.content = '<text>';
  if (copy.obfuscation !== undefined) copy.obfuscation = '<padding>';
  return copy;
}

/** A deterministic generator, so that a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const alphabet = ['a', ' ', 'é', '😀', '"', '\\', '\n', '\u0000', '\u001f', '/', '\u2028', '\ud800', '}', ',', ':', '{"', '"content":"'];

function randomText(random: () => number, maximumLength = 8): string {
  let text = '';
  const length = Math.floor(random() * maximumLength);
  for (let index = 0; index < length; index++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

describe('RepeatedTextFrame', () => {
  it('reads the text of a chunk that repeats the learned framing, escapes and all', () => {
    const frame = new RepeatedTextFrame('"content"');
    frame.learn(JSON.stringify(chunk('Hello')), 'Hello');
    for (const text of [' world', 'say "hi"\n', 'é😀', '\u2028\\', '\ud83d']) {
      expect(frame.textOf(JSON.stringify(chunk(text)))).toBe(text);
    }
  });

  it('reads chunks written with a space after each separator', () => {
    const frame = new RepeatedTextFrame('"text"');
    const spaced = (text: string) => `{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": ${JSON.stringify(text)}}}`;
    frame.learn(spaced('Hel'), 'Hel');
    expect(frame.textOf(spaced('lo, "you"'))).toBe('lo, "you"');
    expect(frame.textOf(spaced('x').replace('"index": 0', '"index": 1'))).toBeUndefined();
  });

  it('answers nothing for a chunk framed otherwise, or whose middle is not one string', () => {
    const frame = new RepeatedTextFrame('"content"');
    const learned = JSON.stringify(chunk('Hello'));
    frame.learn(learned, 'Hello');
    const others = [
      JSON.stringify(chunk('x', { id: 'chatcmpl-2' })),
      JSON.stringify({ ...chunk('x'), choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }),
      JSON.stringify(chunk('x', { usage: { total_tokens: 3 } })),
      JSON.stringify(chunk(null)),
      JSON.stringify(chunk(12)),
      learned.replace('"Hello"', '"a","role":"b"'),
      learned.replace('"Hello"', '"a" '),
      learned.replace('"Hello"', '"raw\ncontrol"'),
      learned.replace('"Hello"', '"'),
      learned.slice(0, -1),
    ];
    for (const other of others) expect(frame.textOf(other)).toBeUndefined();
  });

  it('learns nothing where the text cannot be placed from the chunk alone', () => {
    const cases: Array<[string, string]> = [
      // The key twice: which one changes cannot be told.
      [JSON.stringify({ content: 'a', choices: [{ delta: { content: 'a' } }] }), 'a'],
      // Only part of another property's name.
      [JSON.stringify({ 'x"content': 'a' }), 'a'],
      // The value there is not the text the parser read.
      [JSON.stringify(chunk('Hello')), 'Hell'],
    ];
    for (const [data, text] of cases) {
      const frame = new RepeatedTextFrame('"content"');
      frame.learn(JSON.stringify(chunk('Hello')), 'Hello');
      frame.learn(data, text);
      expect(frame.textOf(JSON.stringify(chunk('b')))).toBeUndefined();
      expect(frame.textOf(data.replace('"a"', '"b"'))).toBeUndefined();
    }
  });

  it('lets a last padding property change, and nothing after it', () => {
    const frame = new RepeatedTextFrame('"content"', '"obfuscation"');
    frame.learn(JSON.stringify(chunk('Hello', { obfuscation: 'Zp3' })), 'Hello');
    expect(frame.textOf(JSON.stringify(chunk(' there', { obfuscation: 'q0' })))).toBe(' there');
    expect(frame.textOf(JSON.stringify(chunk(' there', { obfuscation: 'a"},"usage":{"x":1' })))).toBe(' there');
    expect(frame.textOf(JSON.stringify(chunk(' there')))).toBeUndefined();
    expect(frame.textOf(JSON.stringify(chunk(' there', { obfuscation: 'q0' })).replace('"q0"}', '"q0","usage":{"total_tokens":3}}'))).toBeUndefined();
    expect(frame.textOf(JSON.stringify(chunk(' there', { obfuscation: 'q0' })).replace('"q0"}', '1}'))).toBeUndefined();
    expect(frame.textOf(JSON.stringify(chunk(' there', { obfuscation: 'q0' })).replace('"q0"}', '"q0""'))).toBeUndefined();

    // Where the suffix is missing, a tail of the text could pass for the padding's value.
    const short = new RepeatedTextFrame('"content"', '"obfuscation"');
    short.learn('{"content":"x","obfuscation":"p"}', 'x');
    expect(short.textOf('{"content":"y","obfuscation":"q"}')).toBe('y');
    expect(short.textOf('{"content":"a\\"cdefghijklmnopq"}')).toBeUndefined();

    const unpadded = new RepeatedTextFrame('"content"');
    unpadded.learn(JSON.stringify(chunk('Hello', { obfuscation: 'Zp3' })), 'Hello');
    expect(unpadded.textOf(JSON.stringify(chunk(' there', { obfuscation: 'q0' })))).toBeUndefined();
  });

  it('never gives a text that parsing the chunk would not: random chunks and random damage to them', () => {
    const random = randomSource(20_261_127);
    let answered = 0;
    for (let trial = 0; trial < 400; trial++) {
      const padded = random() < 0.5;
      const frame = new RepeatedTextFrame('"content"', padded ? '"obfuscation"' : undefined);
      const padding = () => (random() < 0.5 ? { obfuscation: randomText(random, 4) } : {});
      const learnedChunk = chunk(randomText(random), padding());
      frame.learn(JSON.stringify(learnedChunk), learnedChunk.choices[0]!.delta.content as string);
      for (let attempt = 0; attempt < 25; attempt++) {
        let data = JSON.stringify(random() < 0.7 ? chunk(randomText(random), 'obfuscation' in learnedChunk ? padding() : {}) : chunk(randomText(random), { id: randomText(random, 3) }));
        if (random() < 0.5) {
          const at = Math.floor(random() * (data.length + 1));
          const cut = Math.floor(random() * 3);
          data = data.slice(0, at) + (random() < 0.5 ? alphabet[Math.floor(random() * alphabet.length)] : '') + data.slice(at + cut);
        }
        const text = frame.textOf(data);
        if (text === undefined) continue;
        answered++;
        const parsed = JSON.parse(data) as Chunk;
        expect(parsed.choices[0]!.delta.content).toBe(text);
        expect(framing(parsed)).toEqual(framing(learnedChunk));
      }
    }
    // The property is about the answers given: there must be many.
    expect(answered).toBeGreaterThan(2_000);
  });
});

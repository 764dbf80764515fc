import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript without declarations
import { behaviourOfModel, PACED_STREAM_CHUNKS } from '../../bench/lib/mock-model-behaviour.js';

const defaults = { streamChunks: 20, chunkIntervalMs: 0 };

describe("the bench mock's behaviour by model name", () => {
  it('paces 64 chunks, or as many as the name says after an x', () => {
    expect(behaviourOfModel('bench-paced-20', defaults)).toEqual({ delayMs: 0, streamChunks: PACED_STREAM_CHUNKS, chunkIntervalMs: 20 });
    expect(behaviourOfModel('bench-paced-20x2', defaults)).toEqual({ delayMs: 0, streamChunks: 2, chunkIntervalMs: 20 });
    expect(behaviourOfModel('bench-claude-paced-5x3', defaults)).toEqual({ delayMs: 0, streamChunks: 3, chunkIntervalMs: 5 });
  });

  it('streams unpaced chunk counts, delays, and the defaults for any other name', () => {
    expect(behaviourOfModel('bench-stream-8', defaults)).toEqual({ delayMs: 0, streamChunks: 8, chunkIntervalMs: 0 });
    expect(behaviourOfModel('bench-delay-1500', defaults)).toEqual({ delayMs: 1500, streamChunks: 20, chunkIntervalMs: 0 });
    expect(behaviourOfModel('bench-model', defaults)).toEqual({ delayMs: 0, streamChunks: 20, chunkIntervalMs: 0 });
  });
});

// What the bench mock does for a request is chosen by the model name in its body, so that one mock
// and one gateway config serve every scenario:
//
//   bench-delay-20      answer after 20 ms (any number of ms)
//   bench-stream-64     stream 64 content chunks (any count), as fast as the event loop allows
//   bench-paced-20      stream 64 content chunks, 20 ms apart (any interval)
//   bench-paced-20x2    the same with 2 content chunks (any count): many short paced streams, whose
//                       first tokens the bench times
//   bench-claude-...    the same suffixes, for the Anthropic channel (the mock itself serves both
//                       wire formats on either model name; the name only selects the behaviour)
//
// Any other name (bench-model, upstream-model, ...) answers at once and streams the mock's default
// chunk count.

export const PACED_STREAM_CHUNKS = 64;

/**
 * @typedef {object} MockBehaviour
 * @property {number} delayMs wait before answering
 * @property {number} streamChunks content chunks of a streamed answer
 * @property {number} chunkIntervalMs pause between streamed events; 0 yields to the event loop only
 */

/**
 * @param {string} model
 * @param {{ streamChunks: number, chunkIntervalMs: number }} defaults
 * @returns {MockBehaviour}
 */
export function behaviourOfModel(model, defaults) {
  const behaviour = { delayMs: 0, streamChunks: defaults.streamChunks, chunkIntervalMs: defaults.chunkIntervalMs };
  const delay = /-delay-(\d+)$/.exec(model);
  if (delay) behaviour.delayMs = Number(delay[1]);
  const stream = /-stream-(\d+)$/.exec(model);
  if (stream) behaviour.streamChunks = Number(stream[1]);
  const paced = /-paced-(\d+)(?:x(\d+))?$/.exec(model);
  if (paced) {
    behaviour.streamChunks = paced[2] === undefined ? PACED_STREAM_CHUNKS : Number(paced[2]);
    behaviour.chunkIntervalMs = Number(paced[1]);
  }
  return behaviour;
}

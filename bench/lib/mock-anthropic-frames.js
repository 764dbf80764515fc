// Anthropic Messages answers of the bench mock: the JSON message and the SSE event sequence
// message_start, content_block_start, ping, content_block_delta x N, content_block_stop,
// message_delta (with the output usage), message_stop. Frames after message_start do not depend
// on the request and are built once per (model, chunk count).
import { ANSWER_WORDS } from './mock-openai-frames.js';

/** @type {Map<string, string[]>} */
const tailTemplates = new Map();

function sseEvent(name, data) {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export function anthropicMessage(id, model, inputTokens) {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text: ANSWER_WORDS.join('') }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: ANSWER_WORDS.length },
  };
}

/** @returns {string[]} every SSE event of one streamed message, in order */
export function anthropicStreamEvents(id, model, inputTokens, streamChunks) {
  const start = sseEvent('message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
    },
  });
  const key = `${model}\u0000${streamChunks}`;
  let tail = tailTemplates.get(key);
  if (!tail) {
    tail = [
      sseEvent('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      sseEvent('ping', { type: 'ping' }),
    ];
    for (let index = 0; index < streamChunks; index += 1) {
      const text = ANSWER_WORDS[index % ANSWER_WORDS.length];
      tail.push(sseEvent('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
    }
    tail.push(
      sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
      sseEvent('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: streamChunks },
      }),
      sseEvent('message_stop', { type: 'message_stop' }),
    );
    tailTemplates.set(key, tail);
  }
  return [start, ...tail];
}

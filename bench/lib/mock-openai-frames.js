// OpenAI Chat Completions answers of the bench mock. Stream frames are built once per
// (model, chunk count, usage flag) and only the request's id is spliced in per request, so the mock
// stays cheap next to the process under test.

export const ANSWER_WORDS = ['Hello', ' from', ' the', ' bench', ' mock', ' upstream', '.'];
const ID_MARK = '@@bench-id@@';

/** @type {Map<string, string[][]>} frames split around the id */
const streamTemplates = new Map();

export function openAIUsage(promptTokens, completionTokens) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

export function openAICompletion(id, model, promptTokens) {
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: ANSWER_WORDS.join(''), refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: openAIUsage(promptTokens, ANSWER_WORDS.length),
    system_fingerprint: null,
  };
}

/**
 * Every SSE event of one streamed answer, in order, ending with `data: [DONE]`.
 * @returns {string[]}
 */
export function openAIStreamEvents(id, model, promptTokens, streamChunks, includeUsage) {
  const key = `${model}\u0000${streamChunks}\u0000${includeUsage}`;
  let templates = streamTemplates.get(key);
  if (!templates) {
    templates = buildTemplates(model, streamChunks, includeUsage);
    streamTemplates.set(key, templates);
  }
  const events = templates.map((parts) => parts.join(id));
  if (includeUsage) {
    const created = Math.floor(Date.now() / 1000);
    const usageEvent = { id, object: 'chat.completion.chunk', created, model, choices: [], usage: openAIUsage(promptTokens, streamChunks) };
    events.splice(events.length - 1, 0, `data: ${JSON.stringify(usageEvent)}\n\n`);
  }
  return events;
}

function buildTemplates(model, streamChunks, includeUsage) {
  const created = Math.floor(Date.now() / 1000);
  const frame = (choices) => {
    const event = { id: ID_MARK, object: 'chat.completion.chunk', created, model, choices };
    // With include_usage every chunk carries `usage`: null until the final usage-only chunk.
    if (includeUsage) event.usage = null;
    return `data: ${JSON.stringify(event)}\n\n`.split(ID_MARK);
  };
  const templates = [frame([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  for (let index = 0; index < streamChunks; index += 1) {
    const word = ANSWER_WORDS[index % ANSWER_WORDS.length];
    templates.push(frame([{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }]));
  }
  templates.push(frame([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]));
  templates.push(['data: [DONE]\n\n']);
  return templates;
}

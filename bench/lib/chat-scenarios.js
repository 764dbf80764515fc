// The bench's request scenarios and the one-off checks that both targets really answer them
// before any load is applied (a fast 401 must never be reported as a fast gateway).
import { BENCH_MODEL } from './gateway-setup.js';

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Say hello in one short sentence.' },
];

export const SCENARIOS = {
  chat: {
    description: 'non-streaming small chat completion',
    stream: false,
    body: JSON.stringify({ model: BENCH_MODEL, messages: MESSAGES, max_tokens: 16 }),
  },
  stream: {
    description: 'streaming chat completion (SSE, usage chunk)',
    stream: true,
    body: JSON.stringify({ model: BENCH_MODEL, messages: MESSAGES, max_tokens: 64, stream: true, stream_options: { include_usage: true } }),
  },
};

/**
 * @param {string} origin
 * @param {keyof typeof SCENARIOS} scenarioName
 * @param {string | undefined} apiKey sent as a bearer token when given
 * @returns {{ origin: string, request: import('./load-loop.js').LoadRequest }}
 */
export function scenarioTarget(origin, scenarioName, apiKey) {
  const scenario = SCENARIOS[scenarioName];
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return { origin, request: { path: '/v1/chat/completions', headers, body: scenario.body, stream: scenario.stream } };
}

/**
 * Sends one request of the scenario and checks the answer's shape.
 * @returns {Promise<{ warnings: string[] }>} soft findings (e.g. no `usage.cost`); throws on a wrong answer
 */
export async function checkScenarioAnswer(label, target) {
  const { origin, request } = target;
  const response = await fetch(origin + request.path, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const fail = (why) => {
    throw new Error(`${label}: ${why} (HTTP ${response.status}): ${text.slice(0, 500)}`);
  };
  if (response.status !== 200) fail('the check request was not answered with 200');
  const warnings = [];
  if (request.stream) {
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trim());
    if (events[events.length - 1] !== '[DONE]') fail('the stream does not end with data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => {
      try {
        return JSON.parse(event);
      } catch {
        return fail(`a stream event is not JSON: ${event.slice(0, 100)}`);
      }
    });
    const content = chunks.map((chunk) => chunk?.choices?.[0]?.delta?.content ?? '').join('');
    if (content.length === 0) fail('the stream carried no content');
    const usageChunk = chunks.find((chunk) => chunk?.usage && typeof chunk.usage === 'object');
    if (!usageChunk) warnings.push(`${label}: the stream has no usage chunk although include_usage was set`);
    else if (label.startsWith('gateway') && usageChunk.usage.cost === undefined) warnings.push(`${label}: the usage chunk has no \`cost\``);
  } else {
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      fail('the answer is not JSON');
    }
    if (typeof answer?.choices?.[0]?.message?.content !== 'string') fail('the answer has no choices[0].message.content');
    if (!answer.usage) warnings.push(`${label}: the answer has no usage`);
    else if (label.startsWith('gateway') && answer.usage.cost === undefined) warnings.push(`${label}: usage has no \`cost\``);
  }
  return { warnings };
}

// One request per (case, target) before any load, checked for the right shape: a fast error must
// never be reported as a fast proxy. Hard failures throw; soft findings come back as warnings.

/**
 * @param {string} label e.g. "switchyard stream-64"
 * @param {{ origin: string, request: import('./load-loop.js').LoadRequest }} target
 * @param {{ chunks?: number, expectCost?: boolean, anthropicStream?: boolean }} expectations
 * @returns {Promise<{ warnings: string[] }>}
 */
export async function checkAnswer(label, target, expectations) {
  const { origin, request } = target;
  const response = await fetch(origin + request.path, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const fail = (why) => {
    throw new Error(`${label}: ${why} (HTTP ${response.status}): ${text.slice(0, 500)}`);
  };
  if (response.status !== 200) fail('the check request was not answered with 200');
  const warnings = [];
  const events = text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trim());
  const parse = (event) => {
    try {
      return JSON.parse(event);
    } catch {
      return fail(`a stream event is not JSON: ${event.slice(0, 100)}`);
    }
  };

  if (request.stream && expectations.anthropicStream) {
    const parsed = events.map(parse);
    if (parsed[parsed.length - 1]?.type !== 'message_stop') fail('the Anthropic stream does not end with message_stop');
    const deltas = parsed.filter((event) => event.type === 'content_block_delta').length;
    if (expectations.chunks !== undefined && deltas !== expectations.chunks) {
      warnings.push(`${label}: ${deltas} content deltas, expected ${expectations.chunks}`);
    }
  } else if (request.stream) {
    if (events[events.length - 1] !== '[DONE]') fail('the stream does not end with data: [DONE]');
    const chunks = events.slice(0, -1).map(parse);
    const error = chunks.find((chunk) => chunk?.error);
    if (error) fail(`the stream carried an error: ${JSON.stringify(error.error).slice(0, 200)}`);
    const contentChunks = chunks.filter((chunk) => (chunk?.choices?.[0]?.delta?.content ?? '') !== '').length;
    if (contentChunks === 0) fail('the stream carried no content');
    if (expectations.chunks !== undefined && contentChunks !== expectations.chunks) {
      warnings.push(`${label}: ${contentChunks} content chunks forwarded, expected ${expectations.chunks}`);
    }
    const usageChunk = chunks.find((chunk) => chunk?.usage && typeof chunk.usage === 'object');
    if (!usageChunk) warnings.push(`${label}: the stream has no usage chunk although include_usage was set`);
    else if (expectations.expectCost && usageChunk.usage.cost === undefined) warnings.push(`${label}: the usage chunk has no \`cost\``);
  } else {
    let answer;
    try {
      answer = JSON.parse(text);
    } catch {
      fail('the answer is not JSON');
    }
    if (typeof answer?.choices?.[0]?.message?.content !== 'string') fail('the answer has no choices[0].message.content');
    if (!answer.usage) warnings.push(`${label}: the answer has no usage`);
    else if (expectations.expectCost && answer.usage.cost === undefined) warnings.push(`${label}: usage has no \`cost\``);
  }
  return { warnings };
}

import { GatewayError, type ChatRequest, type ReasoningOptions, type ResponseFormat, type ToolChoice } from '../../core/index.js';
import { buildResponsesInput } from './build-responses-input.js';

/** Request fields of the gateway's own (not OpenAI's) that must never reach the upstream. */
const gatewayOnlyFields = ['models'] as const;

/** Thinking budgets (Anthropic's way) as the nearest effort (Responses' way). */
export function effortOfBudget(budgetTokens: number): 'low' | 'medium' | 'high' {
  if (budgetTokens <= 4_096) return 'low';
  if (budgetTokens <= 16_384) return 'medium';
  return 'high';
}

/**
 * The body of `POST /v1/responses`.
 *
 * A request that arrived in the Responses dialect is passed through: the client's body with only
 * `model` (and `stream`) set, so fields the gateway does not model survive. The gateway's `models`
 * extension is removed. When the client used `previous_response_id`, that id is the gateway's own,
 * so it is removed and `input` carries the whole conversation instead.
 *
 * Otherwise the body is built from the canonical request. Refused with a 400 naming the field:
 * `n` > 1, `stop`, non-zero presence/frequency penalties (Responses has none of them). Dropped as
 * harmless: `seed` (no determinism promise either way), stream usage options (Responses always
 * reports usage). Translated requests are sent with `store: false`: the gateway keeps history.
 */
export function buildOpenAIResponsesBody(request: ChatRequest, upstreamModel: string, stream: boolean): Record<string, unknown> {
  if (request.original?.dialect === 'openai-responses') return passthroughBody(request, upstreamModel, stream);
  refuseInexpressible(request);
  const body: Record<string, unknown> = { model: upstreamModel, input: buildResponsesInput(request.messages), store: false };
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
      // Responses makes tools strict unless told otherwise; other dialects default to lenient.
      strict: tool.strict ?? false,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toolChoiceOf(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat !== undefined) body.text = { format: formatOf(request.responseFormat) };
  if (request.maxOutputTokens !== undefined) body.max_output_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.logprobs === true) {
    body.top_logprobs = request.topLogprobs ?? 0;
    body.include = ['message.output_text.logprobs'];
  }
  const effort = effortOf(request.reasoning);
  if (effort !== undefined) body.reasoning = { effort };
  if (request.user !== undefined && request.user !== '') body.user = request.user;
  if (stream) body.stream = true;
  return body;
}

function passthroughBody(request: ChatRequest, upstreamModel: string, stream: boolean): Record<string, unknown> {
  const original = request.original?.body ?? {};
  // Object.assign rather than a spread: V8 on Node 20 adds fields to a spread's copy on a slow path.
  const body: Record<string, unknown> = Object.assign({}, original);
  body.model = upstreamModel;
  for (const field of gatewayOnlyFields) delete body[field];
  if (typeof body.previous_response_id === 'string') {
    delete body.previous_response_id;
    const instructions = typeof original.instructions === 'string' && original.instructions !== '' ? original.instructions : null;
    const first = request.messages[0];
    const startsWithInstructions =
      instructions !== null && first?.role === 'system' && first.content.length === 1 && first.content[0]?.type === 'text' && first.content[0].text === instructions;
    body.input = buildResponsesInput(startsWithInstructions ? request.messages.slice(1) : request.messages);
  }
  if (stream) body.stream = true;
  else {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

function toolChoiceOf(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', name: choice.name };
}

function formatOf(format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    name: format.name,
    schema: format.schema,
    ...(format.strict === undefined ? {} : { strict: format.strict }),
    ...(format.description === undefined ? {} : { description: format.description }),
  };
}

function effortOf(reasoning: ReasoningOptions | undefined): string | undefined {
  if (reasoning === undefined) return undefined;
  if (reasoning.effort !== undefined) return reasoning.effort;
  if (reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0) return effortOfBudget(reasoning.budgetTokens);
  return undefined;
}

function refuseInexpressible(request: ChatRequest): void {
  const refuse = (param: string, what: string): never => {
    throw new GatewayError('invalid_request', `${what} is not supported by Responses API models`, { param });
  };
  if (request.n !== undefined && request.n > 1) refuse('n', 'More than one choice (n > 1)');
  if (request.stop !== undefined && request.stop.length > 0) refuse('stop', 'Stop sequences');
  if (request.presencePenalty !== undefined && request.presencePenalty !== 0) refuse('presence_penalty', 'presence_penalty');
  if (request.frequencyPenalty !== undefined && request.frequencyPenalty !== 0) refuse('frequency_penalty', 'frequency_penalty');
}

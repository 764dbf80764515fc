import { GatewayError, type ChatRequest, type ReasoningOptions, type ToolChoice } from '../../core/index.js';
import { buildAnthropicConversation } from './build-anthropic-messages.js';
import type { AnthropicRequestBodyWire, AnthropicToolChoiceWire } from './anthropic-wire-types.js';

/** `max_tokens` when the client set none (Anthropic requires it); the catalog's max output can replace it. */
export const defaultAnthropicMaxTokens = 8192;

/** Thinking budgets for OpenAI-style `reasoning_effort`. Anthropic's minimum budget is 1024. */
export const anthropicThinkingBudgetByEffort: Record<NonNullable<ReasoningOptions['effort']>, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
};

export interface AnthropicBodyOptions {
  /** `max_tokens` when the request names none. */
  defaultMaxTokens?: number;
}

/**
 * The Messages API body for a canonical request.
 *
 * A request that arrived in the Anthropic dialect is sent as received with only `model` (and
 * `stream`) replaced, so vendor fields the canonical model does not know survive.
 *
 * Fields Anthropic cannot express:
 * - `n` > 1, `logprobs`, `response_format` json_object / json_schema, non-zero presence or
 *   frequency penalties: 400 naming the field.
 * - `seed`, zero penalties, `strict` on tools, `detail` on images, stream usage options: dropped,
 *   they change nothing Anthropic would do.
 */
export function buildAnthropicRequestBody(
  request: ChatRequest,
  upstreamModel: string,
  stream: boolean,
  options: AnthropicBodyOptions = {},
): Record<string, unknown> {
  if (request.original?.dialect === 'anthropic-messages') {
    // Object.assign rather than a spread: V8 on Node 20 adds fields to a spread's copy on a slow path.
    const passthrough: Record<string, unknown> = Object.assign({}, request.original.body);
    passthrough.model = upstreamModel;
    if (stream) passthrough.stream = true;
    else delete passthrough.stream;
    return passthrough;
  }
  refuseInexpressible(request);
  const conversation = buildAnthropicConversation(request.messages);
  const thinkingBudget = thinkingBudgetOf(request.reasoning);
  const requestedMax = request.maxOutputTokens;
  const fallbackMax = options.defaultMaxTokens ?? defaultAnthropicMaxTokens;
  // The budget must be below max_tokens; with no client limit, room is made for the answer too.
  const maxTokens = requestedMax ?? (thinkingBudget === undefined ? fallbackMax : thinkingBudget + fallbackMax);
  const body: AnthropicRequestBodyWire = { model: upstreamModel, max_tokens: maxTokens, messages: conversation.messages };
  if (conversation.system !== undefined) body.system = conversation.system;
  if (request.tools !== undefined && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters,
    }));
  }
  const toolChoice = toolChoiceOf(request.toolChoice, request.parallelToolCalls);
  if (toolChoice !== undefined) body.tool_choice = toolChoice;
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = [...request.stop];
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (thinkingBudget !== undefined) {
    if (thinkingBudget >= maxTokens) {
      throw new GatewayError('invalid_request', `The thinking budget (${thinkingBudget}) must be lower than max_tokens (${maxTokens})`, {
        param: 'max_tokens',
      });
    }
    body.thinking = { type: 'enabled', budget_tokens: thinkingBudget };
  }
  if (request.user !== undefined && request.user !== '') body.metadata = { user_id: request.user };
  if (stream) body.stream = true;
  return body as unknown as Record<string, unknown>;
}

function thinkingBudgetOf(reasoning: ReasoningOptions | undefined): number | undefined {
  if (reasoning === undefined) return undefined;
  if (reasoning.budgetTokens !== undefined) return reasoning.budgetTokens > 0 ? reasoning.budgetTokens : undefined;
  return reasoning.effort === undefined ? undefined : anthropicThinkingBudgetByEffort[reasoning.effort];
}

function toolChoiceOf(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoiceWire | undefined {
  const disableParallel = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...disableParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'auto') return { type: 'auto', ...disableParallel };
  if (choice === 'required') return { type: 'any', ...disableParallel };
  return { type: 'tool', name: choice.name, ...disableParallel };
}

function refuseInexpressible(request: ChatRequest): void {
  const refuse = (param: string, what: string): never => {
    throw new GatewayError('invalid_request', `${what} is not supported by Anthropic models`, { param });
  };
  if (request.n !== undefined && request.n > 1) refuse('n', 'More than one choice (n > 1)');
  if (request.logprobs === true || request.topLogprobs !== undefined) refuse('logprobs', 'Log probabilities');
  if (request.responseFormat !== undefined && request.responseFormat.type !== 'text') {
    refuse('response_format', `response_format of type ${request.responseFormat.type}`);
  }
  if (request.presencePenalty !== undefined && request.presencePenalty !== 0) refuse('presence_penalty', 'presence_penalty');
  if (request.frequencyPenalty !== undefined && request.frequencyPenalty !== 0) refuse('frequency_penalty', 'frequency_penalty');
}

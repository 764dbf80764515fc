import type { ChatRequest, ReasoningOptions, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { validationIssueToGatewayError } from '../openai-chat/validation-issue-to-gateway-error.js';
import { decodeMessagesContent, decodeSystemPrompt } from './decode-messages-content.js';
import { messagesRequestSchema, type AnthropicTool, type MessagesRequestBody } from './messages-request-schema.js';

const noParameters: Record<string, unknown> = { type: 'object', properties: {} };

/**
 * Only client tools (no `type`, or `custom`) have a canonical form. Anthropic's server tools
 * (`web_search_20250305`, `bash_20250124`, …) are left out of the canonical request: an
 * Anthropic upstream still receives them through `original`, any other upstream never sees them.
 * `cache_control` on a tool has no canonical field either and is likewise kept only in `original`.
 */
function isClientTool(tool: AnthropicTool): boolean {
  return tool.type == null || tool.type === 'custom';
}

function decodeTool(tool: AnthropicTool): ToolDefinition {
  const decoded: ToolDefinition = { name: tool.name, parameters: tool.input_schema ?? noParameters };
  if (tool.description != null) decoded.description = tool.description;
  return decoded;
}

function decodeToolChoice(choice: NonNullable<MessagesRequestBody['tool_choice']>): ToolChoice {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool':
      if (choice.name === undefined) {
        throw new GatewayError('invalid_request', 'tool_choice of type "tool" needs a name.', { param: 'tool_choice.name' });
      }
      return { name: choice.name };
  }
}

const efforts = new Set(['minimal', 'low', 'medium', 'high']);

/**
 * `thinking: {type: "enabled", budget_tokens}` becomes a budget; `output_config.effort` an effort
 * (Anthropic's `max` is the highest canonical effort, `high`). Adaptive thinking without an
 * effort asks for reasoning at the model's discretion: canonically, no explicit setting.
 */
function decodeReasoning(body: MessagesRequestBody): ReasoningOptions | undefined {
  const reasoning: ReasoningOptions = {};
  if (body.thinking?.type === 'enabled' && body.thinking.budget_tokens != null) reasoning.budgetTokens = body.thinking.budget_tokens;
  const effort = body.output_config?.effort;
  if (effort === 'max') reasoning.effort = 'high';
  else if (effort != null && efforts.has(effort)) reasoning.effort = effort as NonNullable<ReasoningOptions['effort']>;
  return reasoning.budgetTokens === undefined && reasoning.effort === undefined ? undefined : reasoning;
}

function toCanonical(body: MessagesRequestBody, raw: Record<string, unknown>): ChatRequest {
  const messages = decodeMessagesContent(body.messages);
  const system = body.system == null ? undefined : decodeSystemPrompt(body.system);
  const request: ChatRequest = {
    model: body.model,
    messages: system === undefined ? messages : [system, ...messages],
    stream: body.stream ?? false,
    original: { dialect: 'anthropic-messages', body: raw },
  };
  if (body.tools != null) {
    const tools = body.tools.filter(isClientTool).map(decodeTool);
    if (tools.length > 0) request.tools = tools;
  }
  if (body.tool_choice != null) {
    request.toolChoice = decodeToolChoice(body.tool_choice);
    if (body.tool_choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
  }
  if (body.max_tokens != null) request.maxOutputTokens = body.max_tokens;
  if (body.stop_sequences != null && body.stop_sequences.length > 0) request.stop = body.stop_sequences;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.metadata?.user_id != null) request.user = body.metadata.user_id;
  const reasoning = decodeReasoning(body);
  if (reasoning !== undefined) request.reasoning = reasoning;
  return request;
}

/**
 * Validates an Anthropic Messages request body and converts it to the canonical request. Fields
 * the gateway does not model are not errors; they stay in `original` for an Anthropic upstream.
 * Every failure is a `GatewayError('invalid_request')` whose `param` names the field at fault.
 */
export function decodeMessagesRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  const raw = body as Record<string, unknown>;
  try {
    const parsed = messagesRequestSchema.safeParse(raw);
    if (!parsed.success) throw validationIssueToGatewayError(parsed.error.issues, raw);
    return toCanonical(parsed.data, raw);
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw new GatewayError('invalid_request', 'The request body could not be read.', { param: null });
  }
}

import type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../core/chat-request.js';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { openaiChatRequestSchema, type OpenAIChatRequestBody } from './chat-request-schema.js';
import { decodeChatMessages } from './decode-chat-messages.js';
import { isJsonObject } from './is-json-object.js';
import { isPlainChatRequestBody } from './plain-chat-request-body.js';
import { validationIssueToGatewayError } from './validation-issue-to-gateway-error.js';

type FunctionDefinition = NonNullable<OpenAIChatRequestBody['functions']>[number];

/** OpenAI treats a function without `parameters` as one taking no arguments. */
const noParameters: Record<string, unknown> = { type: 'object', properties: {} };

function decodeFunction(definition: FunctionDefinition): ToolDefinition {
  const tool: ToolDefinition = { name: definition.name, parameters: definition.parameters ?? noParameters };
  if (definition.description != null) tool.description = definition.description;
  if (definition.strict != null) tool.strict = definition.strict;
  return tool;
}

function decodeTools(body: OpenAIChatRequestBody): ToolDefinition[] | undefined {
  if (body.tools != null) return body.tools.map((tool) => decodeFunction(tool.function));
  if (body.functions != null) return body.functions.map(decodeFunction);
  return undefined;
}

function decodeToolChoice(body: OpenAIChatRequestBody): ToolChoice | undefined {
  if (body.tool_choice != null) {
    return typeof body.tool_choice === 'string' ? body.tool_choice : { name: body.tool_choice.function.name };
  }
  if (body.function_call != null) {
    return typeof body.function_call === 'string' ? body.function_call : { name: body.function_call.name };
  }
  return undefined;
}

function decodeResponseFormat(format: NonNullable<OpenAIChatRequestBody['response_format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const decoded: ResponseFormat = {
    type: 'json_schema',
    name: format.json_schema.name,
    schema: format.json_schema.schema ?? {},
  };
  if (format.json_schema.strict != null) decoded.strict = format.json_schema.strict;
  if (format.json_schema.description != null) decoded.description = format.json_schema.description;
  return decoded;
}

function toCanonical(body: OpenAIChatRequestBody, raw: Record<string, unknown>): ChatRequest {
  const request: ChatRequest = {
    model: body.model,
    messages: decodeChatMessages(body.messages),
    stream: body.stream ?? false,
    original: { dialect: 'openai-chat', body: raw },
  };
  const tools = decodeTools(body);
  if (tools !== undefined) request.tools = tools;
  const toolChoice = decodeToolChoice(body);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.response_format != null) request.responseFormat = decodeResponseFormat(body.response_format);
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  // Arrays are copied: a plain body is decoded without the schema's copy, and the raw body is kept.
  if (body.stop != null) request.stop = typeof body.stop === 'string' ? [body.stop] : [...body.stop];
  // max_tokens is the deprecated spelling; when a client sends both, the current one wins.
  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxOutputTokens != null) request.maxOutputTokens = maxOutputTokens;
  if (body.n != null) request.n = body.n;
  if (body.seed != null) request.seed = body.seed;
  if (body.logprobs != null) request.logprobs = body.logprobs;
  if (body.top_logprobs != null) request.topLogprobs = body.top_logprobs;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (body.user != null) request.user = body.user;
  if (body.reasoning_effort != null) request.reasoning = { effort: body.reasoning_effort };
  if (body.stream_options?.include_usage != null) request.streamIncludeUsage = body.stream_options.include_usage;
  if (body.models != null) request.fallbackModels = [...body.models];
  return request;
}

/**
 * Validates an OpenAI Chat Completions request body and converts it to the canonical request.
 * Every failure is a `GatewayError('invalid_request')` whose `param` names the field at fault.
 */
export function decodeChatRequest(body: unknown): ChatRequest {
  if (!isJsonObject(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  if (isPlainChatRequestBody(body)) return toCanonical(body, body);
  return decodeChatRequestWithSchema(body);
}

/** `decodeChatRequest` without the plain-body path: every body through the schema. */
export function decodeChatRequestWithSchema(body: Record<string, unknown>): ChatRequest {
  try {
    const parsed = openaiChatRequestSchema.safeParse(body);
    if (!parsed.success) throw validationIssueToGatewayError(parsed.error.issues, body);
    return toCanonical(parsed.data, body);
  } catch (error) {
    if (isGatewayError(error)) throw error;
    // Validation itself should never fail otherwise; if it does, the client still gets a 400.
    throw new GatewayError('invalid_request', 'The request body could not be read.', { param: null });
  }
}

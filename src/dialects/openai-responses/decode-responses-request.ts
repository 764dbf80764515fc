import type { ChatRequest, Message, ReasoningOptions, ResponseFormat } from '../../core/chat-request.js';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { isJsonObject } from '../openai-chat/is-json-object.js';
import { validationIssueToGatewayError } from '../openai-chat/validation-issue-to-gateway-error.js';
import { decodeResponsesInput } from './decode-responses-input.js';
import { decodeResponsesToolChoice, decodeResponsesTools } from './decode-responses-tools.js';
import { responsesRequestSchema, type ResponsesRequestBody } from './responses-request-schema.js';

export interface DecodedResponsesRequest {
  /** The canonical request; its messages are `instructions` then `input` (no stored history yet). */
  request: ChatRequest;
  /** The `instructions` as messages (they are not carried over by `previous_response_id`). */
  instructionMessages: Message[];
  /** The `input` as messages. */
  inputMessages: Message[];
  previousResponseId: string | undefined;
  /** `store` defaults to true, as in OpenAI's API. */
  store: boolean;
  /** The client asked for `reasoning.encrypted_content` in reasoning items. */
  includeEncryptedReasoning: boolean;
  /** The reasoning summary mode asked for, echoed in the response. */
  reasoningSummary: string | null;
  /** Types of the tools left out of the canonical request (see `decodeResponsesTools`). */
  droppedTools: string[];
  body: ResponsesRequestBody;
}

/**
 * Responses efforts beyond the canonical range: `none` asks for no reasoning at all, `xhigh`
 * is the most there is, so it becomes `high`.
 */
function decodeReasoning(effort: string | null | undefined): ReasoningOptions | undefined {
  switch (effort) {
    case 'minimal':
    case 'low':
    case 'medium':
    case 'high':
      return { effort };
    case 'xhigh':
      return { effort: 'high' };
    case 'none':
    case null:
    case undefined:
      return undefined;
    default:
      throw new GatewayError('invalid_request', `Invalid 'reasoning.effort': ${JSON.stringify(effort)} is not a known effort.`, {
        param: 'reasoning.effort',
      });
  }
}

function decodeTextFormat(format: NonNullable<NonNullable<ResponsesRequestBody['text']>['format']>): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  if (format.name === undefined || format.schema === undefined) {
    throw new GatewayError('invalid_request', "Invalid 'text.format': json_schema needs 'name' and 'schema'.", { param: 'text.format' });
  }
  const decoded: ResponseFormat = { type: 'json_schema', name: format.name, schema: format.schema };
  if (format.strict != null) decoded.strict = format.strict;
  if (format.description != null) decoded.description = format.description;
  return decoded;
}

function toDecoded(body: ResponsesRequestBody, raw: Record<string, unknown>): DecodedResponsesRequest {
  const instructionMessages: Message[] =
    body.instructions != null && body.instructions !== ''
      ? [{ role: 'system', content: [{ type: 'text', text: body.instructions }] }]
      : [];
  const inputMessages = body.input == null ? [] : decodeResponsesInput(body.input);
  const request: ChatRequest = {
    model: body.model,
    messages: [...instructionMessages, ...inputMessages],
    stream: body.stream ?? false,
    // The Responses stream always ends with usage; the encoder takes it from the last event.
    streamIncludeUsage: true,
    original: { dialect: 'openai-responses', body: raw },
  };
  let droppedTools: string[] = [];
  if (body.tools != null) {
    const decoded = decodeResponsesTools(body.tools);
    droppedTools = decoded.dropped;
    if (decoded.tools.length > 0) request.tools = decoded.tools;
  }
  const toolChoice = decodeResponsesToolChoice(body.tool_choice);
  if (toolChoice !== undefined && (request.tools !== undefined || toolChoice === 'none')) request.toolChoice = toolChoice;
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  if (body.text?.format != null) request.responseFormat = decodeTextFormat(body.text.format);
  if (body.max_output_tokens != null) request.maxOutputTokens = body.max_output_tokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.top_logprobs != null && body.top_logprobs > 0) {
    request.logprobs = true;
    request.topLogprobs = body.top_logprobs;
  }
  if (body.user != null) request.user = body.user;
  const reasoning = decodeReasoning(body.reasoning?.effort);
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (body.models != null) request.fallbackModels = body.models;
  return {
    request,
    instructionMessages,
    inputMessages,
    previousResponseId: body.previous_response_id ?? undefined,
    store: body.store ?? true,
    includeEncryptedReasoning: body.include?.includes('reasoning.encrypted_content') ?? false,
    reasoningSummary: body.reasoning?.summary ?? body.reasoning?.generate_summary ?? null,
    droppedTools,
    body,
  };
}

/**
 * Validates an OpenAI Responses request body and converts it to the canonical request.
 * Every failure is a `GatewayError('invalid_request')` whose `param` names the field at fault.
 */
export function decodeResponsesRequest(body: unknown): DecodedResponsesRequest {
  if (!isJsonObject(body)) {
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  }
  try {
    const parsed = responsesRequestSchema.safeParse(body);
    if (!parsed.success) throw validationIssueToGatewayError(parsed.error.issues, body);
    return toDecoded(parsed.data, body);
  } catch (error) {
    if (isGatewayError(error)) throw error;
    throw new GatewayError('invalid_request', 'The request body could not be read.', { param: null });
  }
}

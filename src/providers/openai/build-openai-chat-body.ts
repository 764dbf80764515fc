import type { ChatRequest, ResponseFormat, ToolChoice } from '../../core/index.js';
import { buildOpenAIMessages } from './build-openai-messages.js';
import type { OpenAIDialectOptions } from './openai-dialect-options.js';

/** Fields of the gateway's own inbound extensions that no upstream knows. */
const gatewayExtensionFields = ['models'] as const;

/**
 * The Chat Completions body for one upstream call. A request that arrived in the same dialect is
 * passed through (so fields the gateway does not model still reach the upstream); any other is
 * built from the canonical request.
 */
export function buildOpenAIChatBody(
  request: ChatRequest,
  upstreamModel: string,
  stream: boolean,
  dialect: OpenAIDialectOptions,
): Record<string, unknown> {
  const body =
    request.original?.dialect === 'openai-chat'
      ? passthroughBody(request.original.body, dialect)
      : builtBody(request, dialect);
  body.model = upstreamModel;
  if (stream) {
    body.stream = true;
    // The gateway meters every request, so it always asks for the usage chunk.
    if (dialect.streamOptions) body.stream_options = withUsageIncluded(body.stream_options);
    else delete body.stream_options;
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  for (const field of dialect.unsupportedFields) delete body[field];
  return body;
}

/** A shallow copy of the client's body, with only the renames the target server needs. */
function passthroughBody(original: Record<string, unknown>, dialect: OpenAIDialectOptions): Record<string, unknown> {
  // Object.assign rather than a spread: V8 on Node 20 adds fields to a spread's copy on a slow path.
  const body = Object.assign({}, original);
  for (const field of gatewayExtensionFields) delete body[field];
  if (dialect.maxTokensField === 'max_tokens') moveField(body, 'max_completion_tokens', 'max_tokens');
  if (dialect.seedField === 'random_seed') moveField(body, 'seed', 'random_seed');
  if (dialect.developerRole === 'system' && Array.isArray(body.messages)) {
    body.messages = body.messages.map((message: unknown) =>
      asRecord(message).role === 'developer' ? { ...asRecord(message), role: 'system' } : message,
    );
  }
  return body;
}

function moveField(body: Record<string, unknown>, from: string, to: string): void {
  if (body[from] === undefined) return;
  if (body[to] === undefined) body[to] = body[from];
  delete body[from];
}

function builtBody(request: ChatRequest, dialect: OpenAIDialectOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { messages: buildOpenAIMessages(request.messages, dialect) };
  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        parameters: tool.parameters,
        ...(tool.strict === undefined ? {} : { strict: tool.strict }),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = wireToolChoice(request.toolChoice);
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.responseFormat !== undefined) body.response_format = wireResponseFormat(request.responseFormat);
  setIfDefined(body, 'temperature', request.temperature);
  setIfDefined(body, 'top_p', request.topP);
  if (request.stop && request.stop.length > 0) body.stop = request.stop;
  setIfDefined(body, dialect.maxTokensField, request.maxOutputTokens);
  setIfDefined(body, 'n', request.n);
  setIfDefined(body, dialect.seedField, request.seed);
  setIfDefined(body, 'logprobs', request.logprobs);
  setIfDefined(body, 'top_logprobs', request.topLogprobs);
  setIfDefined(body, 'presence_penalty', request.presencePenalty);
  setIfDefined(body, 'frequency_penalty', request.frequencyPenalty);
  setIfDefined(body, 'user', request.user);
  setIfDefined(body, 'reasoning_effort', request.reasoning?.effort);
  return body;
}

function wireToolChoice(choice: ToolChoice): unknown {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function wireResponseFormat(format: ResponseFormat): unknown {
  if (format.type !== 'json_schema') return { type: format.type };
  return {
    type: 'json_schema',
    json_schema: {
      name: format.name,
      schema: format.schema,
      ...(format.strict === undefined ? {} : { strict: format.strict }),
      ...(format.description === undefined ? {} : { description: format.description }),
    },
  };
}

function setIfDefined(body: Record<string, unknown>, field: string, value: unknown): void {
  if (value !== undefined) body[field] = value;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The client's stream options with `include_usage` on, copied as in `passthroughBody`: the client's body is not ours to change. */
function withUsageIncluded(options: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = Object.assign({}, asRecord(options));
  copy.include_usage = true;
  return copy;
}

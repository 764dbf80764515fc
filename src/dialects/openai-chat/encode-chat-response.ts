import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse, Choice } from '../../core/chat-response.js';
import { encodeOpenAIUsage, type OpenAIUsage } from './encode-openai-usage.js';
import { mapOpenAIFinishReason, type OpenAIFinishReason } from './map-openai-finish-reason.js';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAIResponseMessage {
  role: 'assistant';
  content: string | null;
  refusal: string | null;
  annotations: unknown[];
  /** Model reasoning, under the name several OpenAI-compatible providers use for it. */
  reasoning_content?: string;
  tool_calls?: OpenAIToolCall[];
  function_call?: { name: string; arguments: string };
}

export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: OpenAIResponseMessage;
    logprobs: unknown;
    finish_reason: OpenAIFinishReason;
  }>;
  usage: OpenAIUsage;
  service_tier?: string;
  system_fingerprint?: string | null;
}

export interface ChatResponseMeta {
  /** The gateway's generation id. */
  id: string;
  /** The model name the client asked for. */
  model: string;
  costUsd: number | null;
  /** The request used the legacy `functions` API: answer with `function_call`, not `tool_calls`. */
  legacyFunctions?: boolean;
}

/** Whether a request used the legacy `functions` / `function_call` fields instead of `tools`. */
export function usesLegacyFunctions(request: ChatRequest): boolean {
  const body = request.original?.dialect === 'openai-chat' ? request.original.body : undefined;
  return body !== undefined && body.functions != null && body.tools == null;
}

function encodeMessage(choice: Choice, legacyFunctions: boolean): OpenAIResponseMessage {
  let text: string | undefined;
  let reasoning: string | undefined;
  let toolCalls: OpenAIToolCall[] | undefined;
  for (const part of choice.content) {
    if (part.type === 'text') text = text === undefined ? part.text : text + part.text;
    else if (part.type === 'reasoning') reasoning = reasoning === undefined ? part.text : reasoning + part.text;
    else if (part.type === 'tool_call') {
      (toolCalls ??= []).push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
    }
  }
  const refusal = choice.refusal ?? null;
  // OpenAI sends null content beside tool calls or a refusal, and an empty string otherwise.
  const content = text ?? (toolCalls !== undefined || refusal !== null ? null : '');
  const message: OpenAIResponseMessage = { role: 'assistant', content, refusal, annotations: [] };
  if (reasoning !== undefined && reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls !== undefined) {
    const first = toolCalls[0];
    if (legacyFunctions && first !== undefined) message.function_call = first.function;
    else message.tool_calls = toolCalls;
  }
  return message;
}

function hasToolCall(choice: Choice): boolean {
  return choice.content.some((part) => part.type === 'tool_call');
}

/** The canonical response as an OpenAI `chat.completion` object. */
export function encodeChatResponse(response: ChatResponse, meta: ChatResponseMeta): OpenAIChatCompletion {
  const legacyFunctions = meta.legacyFunctions ?? false;
  const completion: OpenAIChatCompletion = {
    id: meta.id,
    object: 'chat.completion',
    created: response.created > 0 ? response.created : Math.floor(Date.now() / 1000),
    model: meta.model,
    choices: response.choices.map((choice) => ({
      index: choice.index,
      message: encodeMessage(choice, legacyFunctions),
      logprobs: choice.logprobs ?? null,
      finish_reason: mapOpenAIFinishReason(choice.finishReason, legacyFunctions, hasToolCall(choice)),
    })),
    usage: encodeOpenAIUsage(response.usage, meta.costUsd),
  };
  if (response.serviceTier != null) completion.service_tier = response.serviceTier;
  if (response.systemFingerprint !== undefined) completion.system_fingerprint = response.systemFingerprint;
  return completion;
}

import { GatewayError, type ChatResponse, type Choice, type ContentPart, type ReasoningPart } from '../../core/index.js';
import { mapResponsesError } from './map-responses-error.js';
import { mapResponsesFinishReason } from './map-responses-finish-reason.js';
import { parseResponsesUsage } from './parse-responses-usage.js';
import type { ResponsesOutputItemWire, ResponsesResponseWire } from './openai-responses-wire-types.js';

/**
 * A Responses API `response` object as a canonical response with one choice. Output items the
 * canonical model has no place for (hosted tool calls such as web search) are left out.
 */
export function parseOpenAIResponsesResponse(json: unknown, secrets: readonly string[] = [], now: () => number = Date.now): ChatResponse {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as ResponsesResponseWire).output)) {
    throw new GatewayError('upstream_error', 'Upstream answered with something that is not a response', { retryElsewhere: true });
  }
  const response = json as ResponsesResponseWire;
  if (response.status === 'failed') throw mapResponsesError(response.error, secrets);
  const output = response.output ?? [];
  const content: ContentPart[] = [];
  const logprobs: unknown[] = [];
  let refusal: string | null = null;
  for (const item of output) {
    if (item.type === 'message') {
      for (const part of item.content ?? []) {
        if (part.type === 'output_text' && typeof part.text === 'string') {
          content.push({ type: 'text', text: part.text });
          if (Array.isArray(part.logprobs)) logprobs.push(...part.logprobs);
        } else if (part.type === 'refusal' && typeof part.refusal === 'string') {
          refusal = (refusal ?? '') + part.refusal;
        }
      }
    } else if (item.type === 'function_call') {
      content.push({ type: 'tool_call', id: item.call_id ?? item.id ?? '', name: item.name ?? '', arguments: item.arguments ?? '' });
    } else if (item.type === 'reasoning') {
      content.push(reasoningPartOf(item));
    }
  }
  const hasFunctionCall = output.some((item) => item.type === 'function_call');
  const choice: Choice = { index: 0, content, finishReason: mapResponsesFinishReason(response, hasFunctionCall) };
  // Responses log-probabilities are Chat Completions' `content` entries, under another roof.
  if (logprobs.length > 0) choice.logprobs = { content: logprobs };
  if (refusal !== null) choice.refusal = refusal;
  // Optional fields are assigned, not spread in (see parse-openai-chat-response.ts).
  const parsed: ChatResponse = {
    model: typeof response.model === 'string' ? response.model : '',
    created: typeof response.created_at === 'number' ? Math.floor(response.created_at) : Math.floor(now() / 1000),
    choices: [choice],
  };
  if (typeof response.id === 'string') parsed.upstreamId = response.id;
  const usage = parseResponsesUsage(response.usage);
  if (usage !== undefined) parsed.usage = usage;
  if (response.service_tier !== undefined) parsed.serviceTier = response.service_tier;
  return parsed;
}

/** Summaries are the readable reasoning; models that expose raw reasoning send `reasoning_text`. */
export function reasoningPartOf(item: ResponsesOutputItemWire): ReasoningPart {
  const summaries = (item.summary ?? []).map((summary) => (typeof summary.text === 'string' ? summary.text : ''));
  const raw = (item.content ?? []).map((part) => (part.type === 'reasoning_text' && typeof part.text === 'string' ? part.text : ''));
  const text = summaries.length > 0 ? summaries.join('\n\n') : raw.join('');
  const part: ReasoningPart = { type: 'reasoning', text };
  if (typeof item.encrypted_content === 'string' && item.encrypted_content !== '') part.signature = item.encrypted_content;
  return part;
}

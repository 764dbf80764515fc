import { GatewayError, type ChatResponse, type Choice, type ContentPart } from '../../core/index.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { parseOpenAIUsage } from './parse-openai-usage.js';
import type { OpenAIChatCompletionWire, OpenAIChoiceWire } from './openai-wire-types.js';

/** Converts a Chat Completions answer to the canonical response. */
export function parseOpenAIChatResponse(json: unknown): ChatResponse {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayError('upstream_error', 'Upstream answered with an unexpected body', { retryElsewhere: true });
  }
  const wire = json as OpenAIChatCompletionWire;
  if (!Array.isArray(wire.choices)) {
    throw new GatewayError('upstream_error', 'Upstream answer has no choices', { retryElsewhere: true });
  }
  const usage = parseOpenAIUsage(wire.usage);
  return {
    ...(typeof wire.id === 'string' ? { upstreamId: wire.id } : {}),
    model: typeof wire.model === 'string' ? wire.model : '',
    created: typeof wire.created === 'number' ? wire.created : Math.floor(Date.now() / 1000),
    choices: wire.choices.map(parseChoice),
    ...(usage === undefined ? {} : { usage }),
    ...(wire.system_fingerprint === undefined ? {} : { systemFingerprint: wire.system_fingerprint }),
    ...(wire.service_tier === undefined ? {} : { serviceTier: wire.service_tier }),
  };
}

function parseChoice(choice: OpenAIChoiceWire, position: number): Choice {
  const message = choice.message ?? {};
  const content: ContentPart[] = [];
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') content.push({ type: 'reasoning', text: reasoning });
  if (typeof message.content === 'string' && message.content !== '') {
    content.push({ type: 'text', text: message.content });
  }
  for (const call of message.tool_calls ?? []) {
    content.push({
      type: 'tool_call',
      id: call.id ?? '',
      name: call.function?.name ?? '',
      arguments: call.function?.arguments ?? '',
    });
  }
  const parsed: Choice = {
    index: typeof choice.index === 'number' ? choice.index : position,
    content,
    finishReason: mapOpenAIFinishReason(choice.finish_reason),
  };
  if (choice.logprobs !== undefined && choice.logprobs !== null) parsed.logprobs = choice.logprobs;
  if (message.refusal !== undefined) parsed.refusal = message.refusal;
  return parsed;
}

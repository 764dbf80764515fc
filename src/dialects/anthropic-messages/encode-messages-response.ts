import type { ChatResponse } from '../../core/chat-response.js';
import type { ContentPart } from '../../core/content-part.js';
import { encodeAnthropicUsage, type AnthropicUsage } from './encode-anthropic-usage.js';
import { mapAnthropicStopReason, type AnthropicStopReason } from './map-anthropic-stop-reason.js';
import { parseToolInput } from './parse-tool-input.js';

export type AnthropicResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessageResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export interface MessagesResponseMeta {
  /** The gateway's generation id. */
  id: string;
  /** The model name the client asked for. */
  model: string;
  costUsd: number | null;
}

function encodePart(part: ContentPart): AnthropicResponseBlock | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'reasoning':
      if (part.redacted !== undefined) return { type: 'redacted_thinking', data: part.redacted };
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'tool_call':
      return { type: 'tool_use', id: part.id, name: part.name, input: parseToolInput(part.arguments) };
    // An assistant answer holds neither images nor tool results in Anthropic's dialect.
    case 'image':
    case 'tool_result':
      return undefined;
    // Upstream answers are parsed into modelled parts only; an opaque block belongs to requests.
    case 'opaque':
      return undefined;
  }
}

/** The canonical response as an Anthropic `message`; only the first choice exists in this dialect. */
export function encodeMessagesResponse(response: ChatResponse, meta: MessagesResponseMeta): AnthropicMessageResponse {
  const choice = response.choices[0];
  const content: AnthropicResponseBlock[] = [];
  for (const part of choice?.content ?? []) {
    const block = encodePart(part);
    if (block !== undefined) content.push(block);
  }
  if (choice?.refusal != null && choice.refusal !== '' && !content.some((block) => block.type === 'text')) {
    content.push({ type: 'text', text: choice.refusal });
  }
  const calledTools = content.some((block) => block.type === 'tool_use');
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content,
    stop_reason: mapAnthropicStopReason(choice?.finishReason ?? { unified: 'stop', raw: null }, calledTools),
    stop_sequence: null,
    usage: encodeAnthropicUsage(response.usage, meta.costUsd),
  };
}

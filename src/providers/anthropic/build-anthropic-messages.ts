import { GatewayError, type CacheControl, type ContentPart, type ImagePart, type Message, type OpaquePart, type TextPart } from '../../core/index.js';
import type {
  AnthropicCacheControlWire,
  AnthropicContentBlockWire,
  AnthropicImageBlockWire,
  AnthropicMessageWire,
  AnthropicOpaqueBlockWire,
  AnthropicTextBlockWire,
} from './anthropic-wire-types.js';

export interface AnthropicConversation {
  system?: string | AnthropicTextBlockWire[];
  messages: AnthropicMessageWire[];
}

/**
 * Canonical messages as Anthropic's `system` and alternating `messages`.
 *
 * - `system` and `developer` messages, wherever they stand, join the top-level `system`; it is a
 *   plain string unless a block carries `cache_control` or there are several blocks.
 * - `tool` messages become `tool_result` blocks of a user turn.
 * - Consecutive turns of the same role are merged into one, as Anthropic requires tool results
 *   to sit in the user turn right after the assistant's `tool_use`.
 * - In an assistant turn, thinking blocks go first (with their signatures untouched).
 */
export function buildAnthropicConversation(messages: readonly Message[]): AnthropicConversation {
  const systemBlocks: AnthropicTextBlockWire[] = [];
  const turns: AnthropicMessageWire[] = [];
  messages.forEach((message, messageIndex) => {
    if (message.role === 'system' || message.role === 'developer') {
      for (const part of message.content) {
        if (part.type !== 'text') {
          throw new GatewayError('invalid_request', `A ${message.role} message can only hold text for this model`, {
            param: `messages[${messageIndex}].content`,
          });
        }
        systemBlocks.push(textBlock(part));
      }
      return;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = role === 'assistant' ? assistantBlocks(message.content) : userBlocks(message, messageIndex);
    if (blocks.length === 0) return;
    const previous = turns.at(-1);
    if (previous !== undefined && previous.role === role) previous.content.push(...blocks);
    else turns.push({ role, content: blocks });
  });
  const conversation: AnthropicConversation = { messages: turns };
  const onlyBlock = systemBlocks.length === 1 ? systemBlocks[0] : undefined;
  if (onlyBlock !== undefined && onlyBlock.cache_control === undefined) conversation.system = onlyBlock.text;
  else if (systemBlocks.length > 0) conversation.system = systemBlocks;
  return conversation;
}

function assistantBlocks(content: readonly ContentPart[]): AnthropicContentBlockWire[] {
  const thinking: AnthropicContentBlockWire[] = [];
  const rest: AnthropicContentBlockWire[] = [];
  for (const part of content) {
    switch (part.type) {
      case 'reasoning':
        if (part.redacted !== undefined) thinking.push({ type: 'redacted_thinking', data: part.redacted });
        // Thinking without a signature came from another vendor; Anthropic would refuse it.
        else if (part.signature !== undefined) thinking.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        break;
      case 'text':
        if (part.text !== '') rest.push(textBlock(part));
        break;
      case 'tool_call':
        rest.push({ type: 'tool_use', id: part.id, name: part.name, input: parseArguments(part.arguments) });
        break;
      case 'image':
        rest.push(imageBlock(part));
        break;
      case 'opaque':
        rest.push(opaqueBlock(part));
        break;
      case 'tool_result':
        throw new GatewayError('invalid_request', 'An assistant message cannot hold a tool result', { param: 'messages' });
    }
  }
  return [...thinking, ...rest];
}

function userBlocks(message: Message, messageIndex: number): AnthropicContentBlockWire[] {
  const blocks: AnthropicContentBlockWire[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        if (part.text !== '') blocks.push(textBlock(part));
        break;
      case 'image':
        blocks.push(imageBlock(part));
        break;
      case 'opaque':
        blocks.push(opaqueBlock(part));
        break;
      case 'tool_result':
        blocks.push({
          type: 'tool_result',
          tool_use_id: part.toolCallId,
          content: part.content.map((inner) => (inner.type === 'text' ? textBlock(inner) : imageBlock(inner))),
          ...(part.isError === true ? { is_error: true } : {}),
          ...cacheControlOf(part.cacheControl),
        });
        break;
      case 'tool_call':
      case 'reasoning':
        throw new GatewayError('invalid_request', `A ${message.role} message cannot hold ${part.type === 'tool_call' ? 'a tool call' : 'reasoning'}`, {
          param: `messages[${messageIndex}].content`,
        });
    }
  }
  return blocks;
}

/** Blocks the canonical model does not model travel as they arrived; only Anthropic's own can be sent. */
function opaqueBlock(part: OpaquePart): AnthropicOpaqueBlockWire {
  return { ...part.block, type: part.blockType };
}

function textBlock(part: TextPart): AnthropicTextBlockWire {
  return { type: 'text', text: part.text, ...cacheControlOf(part.cacheControl) };
}

const dataUrlPattern = /^data:([^;,]+);base64,(.*)$/s;

/** A `data:` URL is sent as base64, since Anthropic's `url` source only fetches http(s) URLs. */
function imageBlock(part: ImagePart): AnthropicImageBlockWire {
  const cache = cacheControlOf(part.cacheControl);
  if (part.source.kind === 'base64') {
    return { type: 'image', source: { type: 'base64', media_type: part.source.mediaType, data: part.source.data }, ...cache };
  }
  const inline = dataUrlPattern.exec(part.source.url);
  if (inline !== null) {
    return { type: 'image', source: { type: 'base64', media_type: inline[1] ?? '', data: inline[2] ?? '' }, ...cache };
  }
  return { type: 'image', source: { type: 'url', url: part.source.url }, ...cache };
}

function cacheControlOf(cacheControl: CacheControl | undefined): { cache_control?: AnthropicCacheControlWire } {
  if (cacheControl === undefined) return {};
  return { cache_control: { type: 'ephemeral', ...(cacheControl.ttl === undefined ? {} : { ttl: cacheControl.ttl }) } };
}

/** Tool arguments are JSON text in the canonical model and an object on Anthropic's wire. */
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new GatewayError('invalid_request', 'A tool call in the conversation has arguments that are not valid JSON', {
      param: 'messages',
    });
  }
}

import type { Message } from '../../core/chat-request.js';
import type { CacheControl, ContentPart, ImagePart, OpaquePart, TextPart } from '../../core/content-part.js';
import {
  knownBlockTypes,
  type AnthropicContentBlock,
  type AnthropicImageBlock,
  type AnthropicKnownContentBlock,
  type AnthropicMessage,
  type AnthropicOpaqueBlock,
  type AnthropicTextBlock,
} from './messages-request-schema.js';

function decodeCacheControl(value: { type: 'ephemeral'; ttl?: string | undefined } | null | undefined): CacheControl | undefined {
  if (value == null) return undefined;
  return value.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: value.ttl };
}

export function decodeTextBlock(block: AnthropicTextBlock): TextPart {
  const part: TextPart = { type: 'text', text: block.text };
  const cacheControl = decodeCacheControl(block.cache_control);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

function decodeImageBlock(block: AnthropicImageBlock): ImagePart {
  const part: ImagePart =
    block.source.type === 'base64'
      ? { type: 'image', source: { kind: 'base64', mediaType: block.source.media_type, data: block.source.data } }
      : { type: 'image', source: { kind: 'url', url: block.source.url } };
  const cacheControl = decodeCacheControl(block.cache_control);
  if (cacheControl !== undefined) part.cacheControl = cacheControl;
  return part;
}

/** Anthropic carries tool input as an object; the canonical model keeps the JSON text. */
function encodeToolInput(input: unknown): string {
  return JSON.stringify(input ?? {});
}

function isKnownBlock(block: AnthropicContentBlock): block is AnthropicKnownContentBlock {
  return knownBlockTypes.has(block.type);
}

function decodeOpaqueBlock(block: AnthropicOpaqueBlock, param: string): OpaquePart {
  return { type: 'opaque', dialect: 'anthropic-messages', blockType: block.type, block: { ...block }, param };
}

function decodeBlock(block: AnthropicContentBlock, param: string): ContentPart {
  if (!isKnownBlock(block)) return decodeOpaqueBlock(block, param);
  switch (block.type) {
    case 'text':
      return decodeTextBlock(block);
    case 'image':
      return decodeImageBlock(block);
    case 'tool_use':
      return { type: 'tool_call', id: block.id, name: block.name, arguments: encodeToolInput(block.input) };
    case 'tool_result': {
      const content =
        block.content === undefined
          ? []
          : typeof block.content === 'string'
            ? [{ type: 'text' as const, text: block.content }]
            : block.content.map((inner) => (inner.type === 'text' ? decodeTextBlock(inner) : decodeImageBlock(inner)));
      const part: ContentPart = { type: 'tool_result', toolCallId: block.tool_use_id, content };
      if (block.is_error !== undefined) part.isError = block.is_error;
      const cacheControl = decodeCacheControl(block.cache_control);
      if (cacheControl !== undefined) part.cacheControl = cacheControl;
      return part;
    }
    case 'thinking': {
      const part: ContentPart = { type: 'reasoning', text: block.thinking };
      if (block.signature !== undefined) part.signature = block.signature;
      return part;
    }
    case 'redacted_thinking':
      return { type: 'reasoning', text: '', redacted: block.data };
  }
}

/** The system prompt, as a string or text blocks, becomes one system message. */
export function decodeSystemPrompt(system: string | AnthropicTextBlock[]): Message | undefined {
  if (typeof system === 'string') return system === '' ? undefined : { role: 'system', content: [{ type: 'text', text: system }] };
  if (system.length === 0) return undefined;
  return { role: 'system', content: system.map(decodeTextBlock) };
}

/**
 * Anthropic messages → canonical messages. Tool results travel inside user messages in Anthropic's
 * dialect; canonically each is its own `tool` message, so a user turn is split where they occur,
 * keeping the order of everything in it.
 */
export function decodeMessagesContent(messages: AnthropicMessage[]): Message[] {
  const decoded: Message[] = [];
  messages.forEach((message, messageIndex) => {
    const blocks = typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
    const paramOf = (blockIndex: number): string => `messages[${messageIndex}].content[${blockIndex}]`;
    if (message.role !== 'user') {
      decoded.push({ role: message.role, content: blocks.map((block, blockIndex) => decodeBlock(block, paramOf(blockIndex))) });
      return;
    }
    let pending: ContentPart[] = [];
    blocks.forEach((block, blockIndex) => {
      const part = decodeBlock(block, paramOf(blockIndex));
      if (part.type !== 'tool_result') {
        pending.push(part);
        return;
      }
      if (pending.length > 0) decoded.push({ role: 'user', content: pending });
      pending = [];
      decoded.push({ role: 'tool', content: [part] });
    });
    if (pending.length > 0 || blocks.length === 0) decoded.push({ role: 'user', content: pending });
  });
  return decoded;
}

import type { ContentPart, ImagePart, Message, TextPart, ToolResultPart } from '../../core/index.js';
import type { OpenAIDialectOptions } from './openai-dialect-options.js';

type WireContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

export type OpenAIWireMessage = Record<string, unknown>;

/** Converts canonical messages to Chat Completions messages. */
export function buildOpenAIMessages(messages: Message[], dialect: OpenAIDialectOptions): OpenAIWireMessage[] {
  const wire: OpenAIWireMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case 'system':
      case 'developer': {
        const role = message.role === 'developer' ? dialect.developerRole : 'system';
        wire.push(withName({ role, content: textContent(message.content) }, message.name));
        break;
      }
      case 'user':
      case 'tool':
        pushUserOrToolMessage(wire, message);
        break;
      case 'assistant':
        wire.push(withName(assistantMessage(message.content), message.name));
        break;
    }
  }
  return wire;
}

/**
 * Tool results become `tool` messages, which OpenAI requires right after the assistant's call;
 * any other content of the same message follows as a user message. Images inside tool results
 * are not allowed in `tool` messages, so they follow in a user message as well.
 */
function pushUserOrToolMessage(wire: OpenAIWireMessage[], message: Message): void {
  const results = message.content.filter((part): part is ToolResultPart => part.type === 'tool_result');
  const carriedImages: ImagePart[] = [];
  for (const result of results) {
    const texts = result.content.filter((part): part is TextPart => part.type === 'text');
    carriedImages.push(...result.content.filter((part): part is ImagePart => part.type === 'image'));
    wire.push({ role: 'tool', tool_call_id: result.toolCallId, content: texts.map((part) => part.text).join('') });
  }
  const rest = message.content.filter((part) => part.type === 'text' || part.type === 'image');
  const userParts = [...carriedImages, ...rest];
  if (userParts.length > 0 || (results.length === 0 && message.role === 'user')) {
    wire.push(withName({ role: 'user', content: userContent(userParts) }, message.name));
  }
}

function assistantMessage(content: ContentPart[]): OpenAIWireMessage {
  const text = content
    .filter((part): part is TextPart => part.type === 'text')
    .map((part) => part.text)
    .join('');
  const toolCalls = content.flatMap((part) =>
    part.type === 'tool_call'
      ? [{ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } }]
      : [],
  );
  const wire: OpenAIWireMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) wire.tool_calls = toolCalls;
  return wire;
}

function textContent(content: ContentPart[]): string | WireContentPart[] {
  const texts = content.filter((part): part is TextPart => part.type === 'text');
  if (texts.length === 1 && texts[0] !== undefined) return texts[0].text;
  if (texts.length === 0) return '';
  return texts.map((part) => ({ type: 'text', text: part.text }));
}

function userContent(parts: Array<TextPart | ImagePart | ContentPart>): string | WireContentPart[] {
  const only = parts[0];
  if (parts.length === 0) return '';
  if (parts.length === 1 && only !== undefined && only.type === 'text') return only.text;
  const wire: WireContentPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') wire.push({ type: 'text', text: part.text });
    else if (part.type === 'image') wire.push(imagePart(part));
  }
  return wire;
}

function imagePart(part: ImagePart): WireContentPart {
  const url = part.source.kind === 'url' ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
  return { type: 'image_url', image_url: part.detail ? { url, detail: part.detail } : { url } };
}

function withName(message: OpenAIWireMessage, name: string | undefined): OpenAIWireMessage {
  return name === undefined ? message : { ...message, name };
}

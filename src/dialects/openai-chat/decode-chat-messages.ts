import type { Message } from '../../core/chat-request.js';
import type { ContentPart, ImagePart, TextPart } from '../../core/content-part.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { OpenAIMessage } from './chat-request-schema.js';
import { parseImageUrl } from './parse-image-url.js';

type WirePart =
  | { type: 'text'; text: string }
  | { type: 'refusal'; refusal: string }
  | { type: 'image_url'; image_url: string | { url: string; detail?: 'auto' | 'low' | 'high' | null | undefined } };

function decodePart(part: WirePart, param: string): TextPart | ImagePart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'refusal') return { type: 'text', text: part.refusal };
  const image = typeof part.image_url === 'string' ? { url: part.image_url } : part.image_url;
  const source = parseImageUrl(image.url);
  const urlParam = typeof part.image_url === 'string' ? `${param}.image_url` : `${param}.image_url.url`;
  if ('error' in source) {
    throw new GatewayError('invalid_request', `Invalid '${urlParam}': the image URL ${source.error}.`, { param: urlParam });
  }
  const decoded: ImagePart = { type: 'image', source };
  if (image.detail != null) decoded.detail = image.detail;
  return decoded;
}

function decodeContent(content: string | WirePart[], param: string): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  const parts: Array<TextPart | ImagePart> = [];
  for (let index = 0; index < content.length; index++) {
    parts.push(decodePart(content[index] as WirePart, `${param}[${index}]`));
  }
  return parts;
}

/** Id given to a legacy `function_call` (which has none) so that its `function` reply can name it. */
function legacyCallId(messageIndex: number): string {
  return `call_function_${messageIndex}`;
}

/**
 * Converts validated OpenAI messages to canonical ones. Legacy `function_call` / `function`
 * messages become tool calls and tool results joined by a synthesised id.
 */
export function decodeChatMessages(messages: readonly OpenAIMessage[]): Message[] {
  const decoded: Message[] = [];
  let lastLegacyCallId: string | undefined;
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as OpenAIMessage;
    const param = `messages[${index}].content`;
    switch (message.role) {
      case 'system':
      case 'developer':
      case 'user': {
        const result: Message = { role: message.role, content: decodeContent(message.content, param) };
        if (message.name != null) result.name = message.name;
        decoded.push(result);
        break;
      }
      case 'assistant': {
        const content: ContentPart[] = [];
        if (message.reasoning_content != null && message.reasoning_content !== '') {
          content.push({ type: 'reasoning', text: message.reasoning_content });
        }
        if (message.content != null) {
          if (typeof message.content === 'string') {
            if (message.content !== '') content.push({ type: 'text', text: message.content });
          } else {
            content.push(...decodeContent(message.content, param));
          }
        }
        if (message.refusal != null && message.refusal !== '' && message.content == null) {
          content.push({ type: 'text', text: message.refusal });
        }
        for (const call of message.tool_calls ?? []) {
          content.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: call.function.arguments });
        }
        if (message.function_call != null) {
          lastLegacyCallId = legacyCallId(index);
          content.push({
            type: 'tool_call',
            id: lastLegacyCallId,
            name: message.function_call.name,
            arguments: message.function_call.arguments,
          });
        }
        const result: Message = { role: 'assistant', content };
        if (message.name != null) result.name = message.name;
        decoded.push(result);
        break;
      }
      case 'tool':
        decoded.push({
          role: 'tool',
          content: [{ type: 'tool_result', toolCallId: message.tool_call_id, content: decodeContent(message.content, param) }],
        });
        break;
      case 'function':
        decoded.push({
          role: 'tool',
          name: message.name,
          content: [
            {
              type: 'tool_result',
              toolCallId: lastLegacyCallId ?? legacyCallId(index),
              content: [{ type: 'text', text: message.content ?? '' }],
            },
          ],
        });
        break;
    }
  }
  return decoded;
}

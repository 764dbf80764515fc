import { GatewayError, type ContentPart, type ImagePart, type Message, type TextPart } from '../../core/index.js';

export type ResponsesInputItem = Record<string, unknown>;

function imageUrlOf(image: ImagePart): string {
  return image.source.kind === 'url' ? image.source.url : `data:${image.source.mediaType};base64,${image.source.data}`;
}

function inputPartOf(part: TextPart | ImagePart): Record<string, unknown> {
  if (part.type === 'text') return { type: 'input_text', text: part.text };
  return { type: 'input_image', image_url: imageUrlOf(part), detail: part.detail ?? 'auto' };
}

function toolOutputOf(content: Array<TextPart | ImagePart>): string | Array<Record<string, unknown>> {
  if (content.every((part) => part.type === 'text')) return content.map((part) => (part as TextPart).text).join('');
  return content.map(inputPartOf);
}

function refuse(param: string, what: string): never {
  throw new GatewayError('invalid_request', `${what} cannot be sent to a Responses API model`, { param });
}

/**
 * Canonical messages as Responses `input` items, in order. Documented losses, all harmless:
 * - reasoning parts of earlier turns are left out: a reasoning item can only be replayed with the
 *   upstream's own item id, which the canonical model does not keep, and OpenAI models answer
 *   correctly without them;
 * - `cacheControl` marks are left out: OpenAI caches prompt prefixes by itself;
 * - a tool result's `isError` has no field in Responses; its text says what went wrong.
 */
export function buildResponsesInput(messages: readonly Message[]): ResponsesInputItem[] {
  const items: ResponsesInputItem[] = [];
  messages.forEach((message, messageIndex) => {
    const param = `messages[${messageIndex}]`;
    let pending: Array<TextPart | ImagePart> = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      items.push(messageItemOf(message.role, pending, param));
      pending = [];
    };
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'image') {
        pending.push(part);
        continue;
      }
      flush();
      items.push(...otherItemsOf(part, param));
    }
    flush();
  });
  return items;
}

function messageItemOf(role: Message['role'], parts: Array<TextPart | ImagePart>, param: string): ResponsesInputItem {
  if (role === 'assistant') {
    if (parts.some((part) => part.type === 'image')) refuse(`${param}.content`, 'An image in an assistant message');
    return { type: 'message', role: 'assistant', content: parts.map((part) => (part as TextPart).text).join('') };
  }
  // A `tool` message's plain text has no call to answer; it is kept as what the user relayed.
  const inputRole = role === 'tool' ? 'user' : role;
  return { type: 'message', role: inputRole, content: parts.map(inputPartOf) };
}

function otherItemsOf(part: Exclude<ContentPart, TextPart | ImagePart>, param: string): ResponsesInputItem[] {
  switch (part.type) {
    case 'tool_call':
      return [{ type: 'function_call', call_id: part.id, name: part.name, arguments: part.arguments }];
    case 'tool_result':
      return [{ type: 'function_call_output', call_id: part.toolCallId, output: toolOutputOf(part.content) }];
    case 'reasoning':
      return [];
    default:
      return refuse(param, 'This content part');
  }
}

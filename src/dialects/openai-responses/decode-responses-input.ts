import type { Message } from '../../core/chat-request.js';
import type { ContentPart, ImagePart, ReasoningPart, TextPart } from '../../core/content-part.js';
import { GatewayError } from '../../core/gateway-error.js';
import { isJsonObject } from '../openai-chat/is-json-object.js';
import { parseImageUrl } from '../openai-chat/parse-image-url.js';

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', `Invalid '${param}': ${message}`, { param });
}

function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalid(param, 'expected a string.');
  return value;
}

function decodeImage(part: Record<string, unknown>, param: string): ImagePart {
  if (typeof part.image_url !== 'string') {
    // `file_id` images live in OpenAI's file store, which no other upstream can read.
    throw invalid(`${param}.image_url`, 'only images given by URL or data URL are supported.');
  }
  const source = parseImageUrl(part.image_url);
  if ('error' in source) throw invalid(`${param}.image_url`, `the image URL ${source.error}.`);
  const image: ImagePart = { type: 'image', source };
  if (part.detail === 'auto' || part.detail === 'low' || part.detail === 'high') image.detail = part.detail;
  return image;
}

/** One content part of a message item; assistant history carries `output_text` and `refusal`. */
function decodeContentPart(part: unknown, param: string): TextPart | ImagePart {
  if (!isJsonObject(part)) throw invalid(param, 'expected a content part object.');
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: requireString(part.text, `${param}.text`) };
    case 'refusal':
      return { type: 'text', text: requireString(part.refusal, `${param}.refusal`) };
    case 'input_image':
      return decodeImage(part, param);
    default:
      throw invalid(`${param}.type`, `content part type ${JSON.stringify(part.type)} is not supported.`);
  }
}

function decodeContent(content: unknown, param: string): Array<TextPart | ImagePart> {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) throw invalid(param, 'expected a string or an array of content parts.');
  return content.map((part, index) => decodeContentPart(part, `${param}[${index}]`));
}

function decodeRole(role: unknown, param: string): Message['role'] {
  if (role === 'user' || role === 'assistant' || role === 'system' || role === 'developer') return role;
  throw invalid(param, "expected one of 'user', 'assistant', 'system', 'developer'.");
}

function decodeReasoning(item: Record<string, unknown>): ReasoningPart {
  const summaries = Array.isArray(item.summary) ? item.summary : [];
  const text = summaries
    .map((summary) => (isJsonObject(summary) && typeof summary.text === 'string' ? summary.text : ''))
    .join('\n\n');
  const part: ReasoningPart = { type: 'reasoning', text };
  // The encoder puts an upstream's reasoning signature in `encrypted_content`; it comes back here.
  if (typeof item.encrypted_content === 'string') part.signature = item.encrypted_content;
  return part;
}

function decodeToolOutput(output: unknown, param: string): Array<TextPart | ImagePart> {
  if (typeof output === 'string') return [{ type: 'text', text: output }];
  return decodeContent(output, param);
}

/**
 * Converts Responses `input` (a string or a list of items) to canonical messages. Reasoning items,
 * assistant messages and function calls that follow one another form one assistant turn, so that
 * parallel calls stay in one message as every upstream expects.
 */
export function decodeResponsesInput(input: unknown): Message[] {
  if (typeof input === 'string') return [{ role: 'user', content: [{ type: 'text', text: input }] }];
  if (!Array.isArray(input)) throw invalid('input', 'expected a string or an array of items.');
  const messages: Message[] = [];
  let assistant: Message | undefined;
  const assistantTurn = (): Message => {
    if (assistant === undefined) {
      assistant = { role: 'assistant', content: [] };
      messages.push(assistant);
    }
    return assistant;
  };
  for (let index = 0; index < input.length; index++) {
    const item: unknown = input[index];
    const param = `input[${index}]`;
    if (!isJsonObject(item)) throw invalid(param, 'expected an item object.');
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = decodeRole(item.role, `${param}.role`);
      const content: ContentPart[] = decodeContent(item.content, `${param}.content`);
      if (role === 'assistant') {
        assistantTurn().content.push(...content);
        continue;
      }
      assistant = undefined;
      messages.push({ role, content });
    } else if (type === 'function_call') {
      assistantTurn().content.push({
        type: 'tool_call',
        id: requireString(item.call_id, `${param}.call_id`),
        name: requireString(item.name, `${param}.name`),
        arguments: requireString(item.arguments, `${param}.arguments`),
      });
    } else if (type === 'reasoning') {
      assistantTurn().content.push(decodeReasoning(item));
    } else if (type === 'function_call_output') {
      assistant = undefined;
      messages.push({
        role: 'tool',
        content: [
          {
            type: 'tool_result',
            toolCallId: requireString(item.call_id, `${param}.call_id`),
            content: decodeToolOutput(item.output, `${param}.output`),
          },
        ],
      });
    } else if (type === 'item_reference') {
      throw invalid(`${param}.type`, 'item references are not supported; send the item itself or use previous_response_id.');
    } else {
      throw invalid(`${param}.type`, `input item type ${JSON.stringify(type)} is not supported.`);
    }
  }
  return messages;
}

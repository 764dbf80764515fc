import type { ChatResponse } from '../../core/chat-response.js';
import type { ContentPart } from '../../core/content-part.js';
import { outputItemId } from './output-item-ids.js';
import {
  buildResponseObject,
  statusFromFinish,
  type MessageItem,
  type OutputItem,
  type ResponseMeta,
  type ResponsesObject,
} from './responses-object.js';

/**
 * Canonical content as Responses output items, in order: reasoning items, one message item per
 * run of text, one function_call item per call (its `call_id` is the upstream's call id, so that a
 * later `function_call_output` names the same call). Reasoning with only redacted data has no
 * Responses form and is left out; the upstream's signature rides in `encrypted_content` when asked.
 */
export function encodeOutputItems(
  content: ContentPart[],
  refusal: string | null | undefined,
  meta: Pick<ResponseMeta, 'id' | 'includeEncryptedReasoning'>,
): OutputItem[] {
  const items: OutputItem[] = [];
  let message: MessageItem | undefined;
  for (const part of content) {
    if (part.type === 'text') {
      if (message === undefined) {
        message = { type: 'message', id: outputItemId('msg', meta.id, items.length), status: 'completed', role: 'assistant', content: [] };
        items.push(message);
      }
      const last = message.content[message.content.length - 1];
      if (last?.type === 'output_text') last.text += part.text;
      else message.content.push({ type: 'output_text', text: part.text, annotations: [], logprobs: [] });
      continue;
    }
    message = undefined;
    if (part.type === 'reasoning') {
      if (part.text === '' && part.signature === undefined) continue;
      items.push({
        type: 'reasoning',
        id: outputItemId('rs', meta.id, items.length),
        summary: part.text === '' ? [] : [{ type: 'summary_text', text: part.text }],
        ...(meta.includeEncryptedReasoning && part.signature !== undefined ? { encrypted_content: part.signature } : {}),
      });
    } else if (part.type === 'tool_call') {
      items.push({
        type: 'function_call',
        id: outputItemId('fc', meta.id, items.length),
        call_id: part.id,
        name: part.name,
        arguments: part.arguments,
        status: 'completed',
      });
    }
  }
  if (refusal != null && refusal !== '') {
    items.push({
      type: 'message',
      id: outputItemId('msg', meta.id, items.length),
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'refusal', refusal }],
    });
  }
  return items;
}

/** The canonical response (its first choice: Responses has no `n`) as a Responses object. */
export function encodeResponsesResponse(response: ChatResponse, meta: ResponseMeta, costUsd: number | null): ResponsesObject {
  const choice = response.choices[0];
  const output = choice === undefined ? [] : encodeOutputItems(choice.content, choice.refusal, meta);
  const { status, incompleteDetails } = statusFromFinish(choice?.finishReason);
  return buildResponseObject(meta, { status, output, incompleteDetails, usage: response.usage, costUsd });
}

import { GatewayError, type ChatRequest } from '../core/index.js';

/**
 * Upstreams that do not speak the dialect an opaque block came from cannot express it, and dropping
 * it (a PDF, a search result) would change the answer. The request is refused with a 400 naming the
 * field; the client can avoid it by choosing a model of the block's own vendor.
 */
export function refuseOpaqueContent(request: ChatRequest, providerName: string): void {
  request.messages.forEach((message, messageIndex) => {
    message.content.forEach((part, partIndex) => {
      if (part.type !== 'opaque') return;
      // The client's own position when known: canonical messages are numbered differently.
      const param = part.param ?? `messages[${messageIndex}].content[${partIndex}]`;
      // The field is named in the message too, as Anthropic's error envelope has no `param`.
      throw new GatewayError('invalid_request', `${part.blockType} content cannot be sent to ${providerName} (${param})`, { param });
    });
  });
}

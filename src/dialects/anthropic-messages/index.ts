export { decodeMessagesRequest } from './decode-messages-request.js';
export { encodeMessagesResponse, type AnthropicMessageResponse, type AnthropicResponseBlock, type MessagesResponseMeta } from './encode-messages-response.js';
export { MessagesStreamEncoder, type MessagesStreamEncoderOptions } from './messages-stream-encoder.js';
export { anthropicErrorBody, encodeAnthropicError, type AnthropicErrorBody } from './encode-anthropic-error.js';
export { encodeAnthropicUsage, type AnthropicUsage } from './encode-anthropic-usage.js';
export { mapAnthropicStopReason, type AnthropicStopReason } from './map-anthropic-stop-reason.js';

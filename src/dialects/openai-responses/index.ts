export { decodeResponsesRequest, type DecodedResponsesRequest } from './decode-responses-request.js';
export { decodeResponsesInput } from './decode-responses-input.js';
export { decodeResponsesTools, decodeResponsesToolChoice, type DecodedTools } from './decode-responses-tools.js';
export { encodeResponsesResponse, encodeOutputItems } from './encode-responses-response.js';
export { encodeResponsesUsage, type ResponsesUsage } from './encode-responses-usage.js';
export { ResponsesStreamEncoder } from './responses-stream-encoder.js';
export { StoredResponses, type StoredResponsesOptions } from './stored-responses.js';
export {
  buildResponseObject,
  type OutputItem,
  type ResponseMeta,
  type ResponsesObject,
} from './responses-object.js';

export { decodeChatRequest } from './decode-chat-request.js';
export {
  encodeChatResponse,
  usesLegacyFunctions,
  type ChatResponseMeta,
  type OpenAIChatCompletion,
  type OpenAIResponseMessage,
  type OpenAIToolCall,
} from './encode-chat-response.js';
export { ChatStreamEncoder, type ChatStreamEncoderOptions } from './chat-stream-encoder.js';
export { encodeOpenAIError, openaiErrorBody, type OpenAIErrorBody } from './encode-openai-error.js';
export { encodeOpenAIUsage, type OpenAIUsage } from './encode-openai-usage.js';
export { mapOpenAIFinishReason, type OpenAIFinishReason } from './map-openai-finish-reason.js';
export { encodeModel, encodeModelList, type ListedModel, type OpenAIModel } from './encode-model-list.js';
export { formatParamPath, validationIssueToGatewayError } from './validation-issue-to-gateway-error.js';

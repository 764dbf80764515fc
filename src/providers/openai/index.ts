import type { ProviderDefinition } from '../../core/index.js';
import { OpenAIAdapter, openAIDefaultBaseUrl } from './openai-adapter.js';
import { ResponsesBridge } from './responses-bridge.js';

export const openaiProvider: ProviderDefinition = {
  id: 'openai',
  name: 'OpenAI',
  defaultBaseUrl: openAIDefaultBaseUrl,
  apiKeyEnv: 'OPENAI_API_KEY',
  baseUrlEnv: 'OPENAI_BASE_URL',
  // Chat Completions, bridged to the Responses API for the models OpenAI serves only there.
  create: () => new ResponsesBridge(new OpenAIAdapter()),
};

export { OpenAIAdapter, openAIDefaultBaseUrl, type OpenAIAdapterOptions } from './openai-adapter.js';
export { openAIDialectDefaults, compatibleDialectDefaults, type OpenAIDialectOptions } from './openai-dialect-options.js';
export { buildOpenAIChatBody } from './build-openai-chat-body.js';
export { buildOpenAIMessages } from './build-openai-messages.js';
export { parseOpenAIChatResponse } from './parse-openai-chat-response.js';
export { parseOpenAIUsage } from './parse-openai-usage.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { OpenAIStreamChunkParser } from './openai-stream-chunk-parser.js';
export { buildOpenAIEmbeddingsBody, parseOpenAIEmbeddingsResponse } from './openai-embeddings.js';

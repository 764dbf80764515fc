import type { ProviderDefinition } from '../../core/index.js';
import { AnthropicAdapter, anthropicDefaultBaseUrl } from './anthropic-adapter.js';

export const anthropicProvider: ProviderDefinition = {
  id: 'anthropic',
  name: 'Anthropic',
  defaultBaseUrl: anthropicDefaultBaseUrl,
  apiKeyEnv: 'ANTHROPIC_API_KEY',
  baseUrlEnv: 'ANTHROPIC_BASE_URL',
  create: () => new AnthropicAdapter(),
};

export { AnthropicAdapter, anthropicDefaultBaseUrl, anthropicMessagesUrl, type AnthropicAdapterOptions } from './anthropic-adapter.js';
export {
  buildAnthropicRequestBody,
  defaultAnthropicMaxTokens,
  anthropicThinkingBudgetByEffort,
  type AnthropicBodyOptions,
} from './build-anthropic-request-body.js';
export { buildAnthropicConversation, type AnthropicConversation } from './build-anthropic-messages.js';
export { anthropicRequestHeaders, anthropicVersion } from './anthropic-request-headers.js';
export { parseAnthropicMessage } from './parse-anthropic-message.js';
export { parseAnthropicUsage, mergeAnthropicUsage } from './parse-anthropic-usage.js';
export { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
export { AnthropicStreamEventParser } from './anthropic-stream-event-parser.js';
export { readAnthropicEventStream } from './read-anthropic-event-stream.js';

import type { ProviderDefinition } from '../../core/index.js';
import { OpenAIResponsesAdapter, openAIResponsesDefaultBaseUrl } from './openai-responses-adapter.js';

/** Shares OpenAI's credentials, so no key variable creates it: a channel names it explicitly. */
export const openaiResponsesProvider: ProviderDefinition = {
  id: 'openai-responses',
  name: 'OpenAI (Responses API)',
  defaultBaseUrl: openAIResponsesDefaultBaseUrl,
  create: () => new OpenAIResponsesAdapter(),
};

export { OpenAIResponsesAdapter, openAIResponsesDefaultBaseUrl, openAIResponsesUrl } from './openai-responses-adapter.js';
export { buildOpenAIResponsesBody, effortOfBudget } from './build-openai-responses-body.js';
export { buildResponsesInput, type ResponsesInputItem } from './build-responses-input.js';
export { parseOpenAIResponsesResponse, reasoningPartOf } from './parse-openai-responses-response.js';
export { parseResponsesUsage } from './parse-responses-usage.js';
export { mapResponsesFinishReason } from './map-responses-finish-reason.js';
export { mapResponsesError } from './map-responses-error.js';
export { ResponsesStreamEventParser } from './responses-stream-event-parser.js';
export { readResponsesEventStream } from './read-responses-event-stream.js';

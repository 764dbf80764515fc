import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

/**
 * Mistral's API follows OpenAI's format but validates strictly: an unknown field is answered with
 * 422 "Extra inputs are not permitted". It has no `stream_options` (usage always comes in the last
 * chunk) and calls the seed `random_seed`.
 */
export const mistralProvider = defineOpenAICompatibleProvider({
  id: 'mistral',
  name: 'Mistral',
  defaultBaseUrl: 'https://api.mistral.ai/v1',
  apiKeyEnv: 'MISTRAL_API_KEY',
  dialect: {
    streamOptions: false,
    seedField: 'random_seed',
    unsupportedFields: ['user', 'logprobs', 'top_logprobs', 'logit_bias', 'service_tier', 'store', 'reasoning_effort'],
  },
});

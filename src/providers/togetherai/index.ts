import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

export const togetherProvider = defineOpenAICompatibleProvider({
  id: 'togetherai',
  name: 'Together AI',
  defaultBaseUrl: 'https://api.together.ai/v1',
  apiKeyEnv: 'TOGETHER_API_KEY',
  embeddings: true,
});

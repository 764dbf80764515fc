import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

export const xaiProvider = defineOpenAICompatibleProvider({
  id: 'xai',
  name: 'xAI',
  defaultBaseUrl: 'https://api.x.ai/v1',
  apiKeyEnv: 'XAI_API_KEY',
  embeddings: true,
});

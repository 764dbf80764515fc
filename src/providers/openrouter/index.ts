import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

export const openrouterProvider = defineOpenAICompatibleProvider({
  id: 'openrouter',
  name: 'OpenRouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  apiKeyEnv: 'OPENROUTER_API_KEY',
  embeddings: true,
});

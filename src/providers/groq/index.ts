import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

export const groqProvider = defineOpenAICompatibleProvider({
  id: 'groq',
  name: 'Groq',
  defaultBaseUrl: 'https://api.groq.com/openai/v1',
  apiKeyEnv: 'GROQ_API_KEY',
  embeddings: false,
});

import { defineOpenAICompatibleProvider } from '../openai-compatible/index.js';

/**
 * DeepSeek speaks OpenAI's format; its own fields (`reasoning_content`, `prompt_cache_hit_tokens`)
 * are read by the shared parsers. It has no Embeddings endpoint.
 */
export const deepseekProvider = defineOpenAICompatibleProvider({
  id: 'deepseek',
  name: 'DeepSeek',
  defaultBaseUrl: 'https://api.deepseek.com/v1',
  apiKeyEnv: 'DEEPSEEK_API_KEY',
  embeddings: false,
});

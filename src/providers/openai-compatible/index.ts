import { defineOpenAICompatibleProvider } from './define-openai-compatible-provider.js';

/** Any server speaking OpenAI's format (vLLM, llama.cpp, Ollama, LM Studio, gateways): the channel names the base URL. */
export const openaiCompatibleProvider = defineOpenAICompatibleProvider({
  id: 'openai-compatible',
  name: 'OpenAI-compatible',
});

export {
  defineOpenAICompatibleProvider,
  createOpenAICompatibleAdapter,
  type OpenAICompatibleProviderSpec,
} from './define-openai-compatible-provider.js';

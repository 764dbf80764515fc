import type { ProviderDefinition } from '../../core/index.js';
import { OpenAIAdapter } from '../openai/openai-adapter.js';
import { compatibleDialectDefaults, type OpenAIDialectOptions } from '../openai/openai-dialect-options.js';

export interface OpenAICompatibleProviderSpec {
  id: string;
  name: string;
  /** Omit for a provider whose every channel must name its own base URL. */
  defaultBaseUrl?: string;
  apiKeyEnv?: string;
  baseUrlEnv?: string;
  /** Headers every request to this provider carries. */
  headers?: Record<string, string>;
  /** Where the server departs from the common compatible subset. */
  dialect?: Partial<OpenAIDialectOptions>;
  /** Whether the server has an Embeddings endpoint (default true). */
  embeddings?: boolean;
}

/** Creates the adapter for a server that speaks OpenAI's format with the given differences. */
export function createOpenAICompatibleAdapter(spec: Omit<OpenAICompatibleProviderSpec, 'name'>): OpenAIAdapter {
  return new OpenAIAdapter({
    id: spec.id,
    defaultBaseUrl: spec.defaultBaseUrl ?? null,
    headers: spec.headers ?? {},
    dialect: { ...compatibleDialectDefaults, ...spec.dialect },
    embeddings: spec.embeddings ?? true,
  });
}

/** A provider definition for an OpenAI-compatible server: the whole of a long-tail provider. */
export function defineOpenAICompatibleProvider(spec: OpenAICompatibleProviderSpec): ProviderDefinition {
  return {
    id: spec.id,
    name: spec.name,
    ...(spec.defaultBaseUrl === undefined ? {} : { defaultBaseUrl: spec.defaultBaseUrl }),
    ...(spec.apiKeyEnv === undefined ? {} : { apiKeyEnv: spec.apiKeyEnv }),
    ...(spec.baseUrlEnv === undefined ? {} : { baseUrlEnv: spec.baseUrlEnv }),
    create: () => createOpenAICompatibleAdapter(spec),
  };
}

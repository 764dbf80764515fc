/**
 * How far a server follows OpenAI's Chat Completions request format. The `openai` adapter uses the
 * defaults below; an OpenAI-compatible provider states only where it differs.
 */
export interface OpenAIDialectOptions {
  /** Field that carries the output token limit. Older and compatible servers know only `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Role used for developer instructions; servers without the `developer` role get `system`. */
  developerRole: 'developer' | 'system';
  /** Whether `stream_options.include_usage` may be sent (some servers reject unknown fields). */
  streamOptions: boolean;
  /** Field that carries the sampling seed (Mistral calls it `random_seed`). */
  seedField: 'seed' | 'random_seed';
  /** Top-level request fields the server rejects; removed from every request, passthrough included. */
  unsupportedFields: readonly string[];
}

export const openAIDialectDefaults: OpenAIDialectOptions = {
  maxTokensField: 'max_completion_tokens',
  developerRole: 'developer',
  streamOptions: true,
  seedField: 'seed',
  unsupportedFields: [],
};

/** What most OpenAI-compatible servers accept: the long-standing subset of the format. */
export const compatibleDialectDefaults: OpenAIDialectOptions = {
  maxTokensField: 'max_tokens',
  developerRole: 'system',
  streamOptions: true,
  seedField: 'seed',
  unsupportedFields: [],
};

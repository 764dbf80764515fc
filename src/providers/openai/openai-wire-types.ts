/**
 * The parts of OpenAI's Chat Completions wire format this adapter reads. Fields are optional and
 * loosely typed on purpose: compatible servers omit or add fields freely.
 */
export interface OpenAIUsageWire {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek reports cache reads here instead of `prompt_tokens_details`. */
  prompt_cache_hit_tokens?: number | null;
  prompt_cache_miss_tokens?: number | null;
}

export interface OpenAIToolCallWire {
  index?: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

export interface OpenAIMessageWire {
  role?: string | null;
  content?: string | null;
  refusal?: string | null;
  tool_calls?: OpenAIToolCallWire[] | null;
  /** DeepSeek's reasoning text. */
  reasoning_content?: string | null;
  /** OpenRouter's and Groq's reasoning text. */
  reasoning?: string | null;
}

export interface OpenAIChoiceWire {
  index?: number;
  message?: OpenAIMessageWire | null;
  delta?: OpenAIMessageWire | null;
  finish_reason?: string | null;
  logprobs?: unknown;
}

export interface OpenAIErrorWire {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  param?: unknown;
}

export interface OpenAIChatCompletionWire {
  id?: string;
  object?: string;
  created?: number;
  model?: string;
  choices?: OpenAIChoiceWire[] | null;
  usage?: OpenAIUsageWire | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  /** Present when a server reports a failure inside a stream. */
  error?: OpenAIErrorWire | string | null;
  /** Groq's usage location in older stream chunks. */
  x_groq?: { usage?: OpenAIUsageWire | null } | null;
}

export interface OpenAIEmbeddingsWire {
  data?: Array<{ index?: number; embedding?: number[] | string }>;
  model?: string;
  usage?: { prompt_tokens?: number | null; total_tokens?: number | null } | null;
}

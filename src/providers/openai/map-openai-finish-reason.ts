import type { FinishReason, UnifiedFinishReason } from '../../core/index.js';

const unifiedByRaw: Record<string, UnifiedFinishReason> = {
  stop: 'stop',
  eos: 'stop',
  end_turn: 'stop',
  length: 'length',
  model_length: 'length',
  max_tokens: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
  error: 'error',
  // DeepSeek: the request was cut short because the service ran out of capacity.
  insufficient_system_resource: 'error',
};

/** Maps an OpenAI (or compatible server's) `finish_reason` to the unified value, keeping the raw word. */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined) return { unified: 'other', raw: null };
  return { unified: unifiedByRaw[raw] ?? 'other', raw };
}

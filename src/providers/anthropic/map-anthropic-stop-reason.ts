import type { FinishReason, UnifiedFinishReason } from '../../core/index.js';

const unifiedByStopReason: Record<string, UnifiedFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
  // A server tool loop paused; the client continues the turn, so it is neither an end nor an error.
  pause_turn: 'other',
};

/** Anthropic's `stop_reason` as a canonical finish reason, keeping the raw word. */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason {
  const raw = typeof stopReason === 'string' ? stopReason : null;
  return { unified: raw === null ? 'stop' : (unifiedByStopReason[raw] ?? 'other'), raw };
}

import type { FinishReason } from '../../core/finish-reason.js';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const anthropicStopReasons = new Set<string>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

/**
 * The canonical finish reason as Anthropic's `stop_reason`. An Anthropic upstream's own word is
 * kept as is; others are mapped from the unified value. Some upstreams say `stop` after calling
 * tools, so a message that called tools always ends with `tool_use`, which is what clients look at
 * to run them.
 */
export function mapAnthropicStopReason(reason: FinishReason, calledTools: boolean): AnthropicStopReason {
  if (reason.raw !== null && anthropicStopReasons.has(reason.raw)) return reason.raw as AnthropicStopReason;
  if (calledTools && (reason.unified === 'stop' || reason.unified === 'tool_calls' || reason.unified === 'other')) return 'tool_use';
  switch (reason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

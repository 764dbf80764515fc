/** Why generation stopped: one unified value plus the provider's own word for it. */
export type UnifiedFinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'error'
  | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  raw: string | null;
}

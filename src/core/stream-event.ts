import type { FinishReason } from './finish-reason.js';
import type { GatewayError } from './gateway-error.js';
import type { Usage } from './usage.js';

/** One event of a streamed chat response in the canonical language. */
export type StreamEvent =
  | { type: 'start'; upstreamId?: string; model?: string; created?: number; systemFingerprint?: string | null }
  | { type: 'text-delta'; choiceIndex: number; text: string }
  | {
      type: 'reasoning-delta';
      choiceIndex: number;
      text: string;
      signature?: string;
      /** Encrypted reasoning (Anthropic `redacted_thinking` data); it must round-trip untouched. */
      redacted?: string;
    }
  | { type: 'refusal-delta'; choiceIndex: number; text: string }
  | { type: 'tool-call-start'; choiceIndex: number; toolIndex: number; id: string; name: string }
  | { type: 'tool-call-delta'; choiceIndex: number; toolIndex: number; argumentsDelta: string }
  | { type: 'logprobs'; choiceIndex: number; logprobs: unknown }
  | { type: 'finish'; choiceIndex: number; finishReason: FinishReason }
  | { type: 'usage'; usage: Usage }
  | { type: 'error'; error: GatewayError };

import type { ContentPart } from './content-part.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

export interface Choice {
  index: number;
  content: ContentPart[];
  finishReason: FinishReason;
  /** Provider log-probabilities, passed through as received (OpenAI shape). */
  logprobs?: unknown;
  /** Refusal text when the model declined (OpenAI structured outputs). */
  refusal?: string | null;
}

export interface ChatResponse {
  /** The upstream's own id; the gateway replaces it with its generation id on the way out. */
  upstreamId?: string;
  /** Model id the upstream reported. */
  model: string;
  created: number;
  choices: Choice[];
  usage?: Usage;
  systemFingerprint?: string | null;
  serviceTier?: string | null;
}

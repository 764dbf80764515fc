/**
 * The size of a request's prompt in tokens, two ways: `exact()` counts with the tokenizer (a few
 * microseconds for a short prompt, about 2 ms for 64 KB), `atMost()` is a cheap upper bound — the
 * UTF-8 length of each text, since every token of a byte-level BPE encoding covers at least one
 * byte. Callers that only need to know the prompt is not larger than something ask the bound
 * first and count only when the bound is not enough. Each is computed once, on first use.
 */
import type { ChatRequest } from '../core/chat-request.js';
import { estimatePromptTokens } from './estimate-tokens.js';

export interface PromptSize {
  exact(): number;
  atMost(): number;
}

/** Below this bound the exact count is cheap (microseconds), so it is worth its precision. */
export const EXACT_COUNT_BELOW_TOKENS = 4_096;

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

export function promptSizeOf(request: ChatRequest): PromptSize {
  let exact: number | null = null;
  let atMost: number | null = null;
  return {
    exact: () => (exact ??= estimatePromptTokens(request)),
    atMost: () => (atMost ??= exact ?? estimatePromptTokens(request, utf8Length)),
  };
}

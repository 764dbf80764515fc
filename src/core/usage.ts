/**
 * Token usage of one request.
 *
 * Semantics are fixed here so that no provider's convention leaks further:
 * - `inputTokens` counts every prompt token, including those read from cache
 *   (`cachedInputTokens`) and those written to cache (`cacheWriteTokens`).
 * - `outputTokens` counts every generated token, including `reasoningTokens`.
 * Adapters convert each provider's convention to this one.
 */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  /** `upstream` when the provider reported it, `estimated` when counted with a tokenizer. */
  source: 'upstream' | 'estimated';
}

export function emptyUsage(source: Usage['source'] = 'upstream'): Usage {
  return {
    inputTokens: 0,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    source,
  };
}

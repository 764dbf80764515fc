import type { EmbeddingResponse } from '../../core/embedding.js';

export interface OpenAIEmbeddingList {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number; cost?: number };
}

/** The canonical embedding response as OpenAI's list; `model` is the name the client asked for. */
export function encodeEmbeddingResponse(
  response: EmbeddingResponse,
  meta: { model: string; costUsd: number | null },
): OpenAIEmbeddingList {
  const usage: OpenAIEmbeddingList['usage'] = {
    prompt_tokens: response.usage.inputTokens,
    total_tokens: response.usage.inputTokens,
  };
  if (meta.costUsd !== null) usage.cost = meta.costUsd;
  return {
    object: 'list',
    data: response.data.map((item) => ({ object: 'embedding', index: item.index, embedding: item.embedding })),
    model: meta.model,
    usage,
  };
}

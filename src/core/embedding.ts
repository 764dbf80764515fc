import type { Dialect } from './chat-request.js';

export interface EmbeddingRequest {
  model: string;
  input: string[] | number[][];
  /** The client sent one string or one token array (not a list): answers keep the same shape. */
  dimensions?: number;
  encodingFormat?: 'float' | 'base64';
  user?: string;
  original?: { dialect: Dialect; body: Record<string, unknown> };
}

export interface EmbeddingResponse {
  model: string;
  /** Either float vectors or base64 strings, as the client asked. */
  data: Array<{ index: number; embedding: number[] | string }>;
  usage: { inputTokens: number; source: 'upstream' | 'estimated' };
}

import { z } from 'zod';

const tokenArray = z.array(z.number().int().nonnegative()).min(1);

/** The OpenAI Embeddings request body; unknown fields are allowed and pass through. */
export const openaiEmbeddingRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1), tokenArray, z.array(tokenArray).min(1)]),
  dimensions: z.number().int().positive().nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().nullish(),
});

export type OpenAIEmbeddingRequestBody = z.infer<typeof openaiEmbeddingRequestSchema>;

import { z } from 'zod';

/**
 * The Anthropic Messages request body, as far as the gateway models it. Objects are loose: fields
 * it does not model (betas such as `context_management`, `output_config`, `container`) are not
 * errors; they reach an Anthropic upstream through `original`.
 */

const cacheControlSchema = z.looseObject({ type: z.literal('ephemeral'), ttl: z.string().optional() }).nullish();

export const textBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema,
});

const imageSourceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
]);

export const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: imageSourceSchema,
  cache_control: cacheControlSchema,
});

const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  cache_control: cacheControlSchema,
});

const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControlSchema,
});

const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});

const redactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

const knownContentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

export const knownBlockTypes: ReadonlySet<string> = new Set(['text', 'image', 'tool_use', 'tool_result', 'thinking', 'redacted_thinking']);

/**
 * Any other block (`document`, `search_result`, `server_tool_use`, `web_search_tool_result`, ...)
 * is carried as it arrived: an Anthropic upstream takes it, other upstreams refuse it by name.
 * Known types are excluded so that a malformed `text` or `image` block is still an error.
 */
export const opaqueBlockSchema = z.looseObject({
  type: z.string().min(1).refine((type) => !knownBlockTypes.has(type), 'Invalid content block'),
});

export type AnthropicOpaqueBlock = z.infer<typeof opaqueBlockSchema>;

const contentBlockSchema = z.union([knownContentBlockSchema, opaqueBlockSchema]);

export type AnthropicKnownContentBlock = z.infer<typeof knownContentBlockSchema>;
export type AnthropicContentBlock = z.infer<typeof contentBlockSchema>;
export type AnthropicTextBlock = z.infer<typeof textBlockSchema>;
export type AnthropicImageBlock = z.infer<typeof imageBlockSchema>;

const messageSchema = z.looseObject({
  // `system` is not Anthropic's, but some clients put their system prompt among the messages.
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

export type AnthropicMessage = z.infer<typeof messageSchema>;

const toolSchema = z.looseObject({
  name: z.string().min(1),
  type: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()).nullish(),
  cache_control: cacheControlSchema,
});

export type AnthropicTool = z.infer<typeof toolSchema>;

const toolChoiceSchema = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
});

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(messageSchema),
  system: z.union([z.string(), z.array(textBlockSchema)]).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: z.looseObject({ type: z.string(), budget_tokens: z.number().int().nullish() }).nullish(),
  output_config: z.looseObject({ effort: z.string().nullish() }).nullish(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
});

export type MessagesRequestBody = z.infer<typeof messagesRequestSchema>;

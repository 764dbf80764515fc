import { z } from 'zod';

/*
 * The OpenAI Chat Completions request body as the gateway accepts it. Objects are loose so that
 * vendor extensions survive, and optional fields accept `null` because many clients send explicit
 * nulls for parameters they leave unset (the OpenAI API accepts them too).
 */

const jsonObject = z.record(z.string(), z.unknown());

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });

const imageDetail = z.enum(['auto', 'low', 'high']);

const imageUrlPart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), z.looseObject({ url: z.string(), detail: imageDetail.nullish() })]),
});

const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const textOnlyContent = z.union([z.string(), z.array(textPart)]);

const userContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imageUrlPart]))]);

const toolResultContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imageUrlPart]))]);

const assistantContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]);

const functionCall = z.looseObject({ name: z.string(), arguments: z.string() });

const assistantToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: functionCall,
});

const name = z.string().nullish();

const systemMessage = z.looseObject({ role: z.literal('system'), content: textOnlyContent, name });
const developerMessage = z.looseObject({ role: z.literal('developer'), content: textOnlyContent, name });
const userMessage = z.looseObject({ role: z.literal('user'), content: userContent, name });
const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: assistantContent.nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(assistantToolCall).nullish(),
  function_call: functionCall.nullish(),
  reasoning_content: z.string().nullish(),
  name,
});
const toolMessage = z.looseObject({ role: z.literal('tool'), content: toolResultContent, tool_call_id: z.string() });
const functionMessage = z.looseObject({ role: z.literal('function'), name: z.string(), content: z.string().nullable() });

export const openaiMessageSchema = z.discriminatedUnion('role', [
  systemMessage,
  developerMessage,
  userMessage,
  assistantMessage,
  toolMessage,
  functionMessage,
]);

const functionDefinition = z.looseObject({
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: jsonObject.nullish(),
  strict: z.boolean().nullish(),
});

const tool = z.looseObject({ type: z.literal('function'), function: functionDefinition });

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string().min(1) }) }),
]);

const legacyFunctionChoice = z.union([z.enum(['auto', 'none']), z.looseObject({ name: z.string().min(1) })]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1),
      schema: jsonObject.nullish(),
      strict: z.boolean().nullish(),
      description: z.string().nullish(),
    }),
  }),
]);

export const openaiChatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(openaiMessageSchema).min(1),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  functions: z.array(functionDefinition).nullish(),
  function_call: legacyFunctionChoice.nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  n: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  user: z.string().nullish(),
  reasoning_effort: z.enum(['minimal', 'low', 'medium', 'high']).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  models: z.array(z.string().min(1)).nullish(),
});

export type OpenAIChatRequestBody = z.infer<typeof openaiChatRequestSchema>;
export type OpenAIMessage = z.infer<typeof openaiMessageSchema>;

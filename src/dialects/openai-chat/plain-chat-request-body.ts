/**
 * Recognises the request bodies most clients send (text messages and scalar parameters) with
 * straight-line checks, so that they skip the schema. Validating such a body with zod cost about
 * 3 % of the main thread's CPU per small chat request, and the copies of every object it returns
 * were the largest single share of what a request allocated.
 *
 * The checks only ever accept a body that `openaiChatRequestSchema` accepts unchanged: anything
 * they do not recognise (tools, content parts, a field out of range, an unexpected key in a
 * message) is left to the schema, which also writes the error. A test generates bodies of both
 * kinds and holds the two paths to the same canonical request.
 */
import { openaiChatRequestSchema, type OpenAIChatRequestBody } from './chat-request-schema.js';
import { isJsonObject } from './is-json-object.js';

type FieldCheck = (value: unknown) => boolean;

const PLAIN_ROLES: ReadonlySet<unknown> = new Set(['system', 'developer', 'user', 'assistant']);
const REASONING_EFFORTS: ReadonlySet<unknown> = new Set(['minimal', 'low', 'medium', 'high']);

const isNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);
const isPositiveInteger = (value: unknown): boolean => Number.isSafeInteger(value) && (value as number) > 0;
const isNonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

function nullish(check: FieldCheck): FieldCheck {
  return (value) => value === null || value === undefined || check(value);
}

function isArrayOf(value: unknown, check: FieldCheck): boolean {
  if (!Array.isArray(value)) return false;
  for (let index = 0; index < value.length; index += 1) if (!check(value[index])) return false;
  return true;
}

/** A message of text only: `role`, string `content` (or none, for an assistant) and `name`. */
function isPlainMessage(value: unknown): boolean {
  if (!isJsonObject(value)) return false;
  let role: unknown;
  let content: unknown;
  for (const key in value) {
    const field = value[key];
    if (key === 'role') role = field;
    else if (key === 'content') content = field;
    else if (key === 'name') {
      if (field !== null && typeof field !== 'string') return false;
    } else return false;
  }
  if (!PLAIN_ROLES.has(role)) return false;
  if (typeof content === 'string') return true;
  return role === 'assistant' && (content === null || content === undefined);
}

function isPlainStreamOptions(value: unknown): boolean {
  if (!isJsonObject(value)) return false;
  for (const key in value) {
    if (key !== 'include_usage') return false;
    const field = value[key];
    if (field !== null && typeof field !== 'boolean') return false;
  }
  return true;
}

/** The fields checked here; every other field the schema names sends the body to the schema. */
const PLAIN_FIELDS: ReadonlyMap<string, FieldCheck> = new Map<string, FieldCheck>([
  ['model', isNonEmptyString],
  ['messages', (value) => Array.isArray(value) && value.length > 0 && isArrayOf(value, isPlainMessage)],
  ['temperature', nullish(isNumber)],
  ['top_p', nullish(isNumber)],
  ['presence_penalty', nullish(isNumber)],
  ['frequency_penalty', nullish(isNumber)],
  ['max_tokens', nullish(isPositiveInteger)],
  ['max_completion_tokens', nullish(isPositiveInteger)],
  ['n', nullish(isPositiveInteger)],
  ['seed', nullish((value) => Number.isSafeInteger(value))],
  ['top_logprobs', nullish((value) => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 20)],
  ['logprobs', nullish((value) => typeof value === 'boolean')],
  ['parallel_tool_calls', nullish((value) => typeof value === 'boolean')],
  ['stream', nullish((value) => typeof value === 'boolean')],
  ['user', nullish((value) => typeof value === 'string')],
  ['reasoning_effort', nullish((value) => REASONING_EFFORTS.has(value))],
  ['stop', nullish((value) => typeof value === 'string' || isArrayOf(value, (item) => typeof item === 'string'))],
  ['stream_options', nullish(isPlainStreamOptions)],
  ['models', nullish((value) => isArrayOf(value, isNonEmptyString))],
]);

/** Fields of the schema's own; a body's other keys are vendor extensions the schema lets through. */
const SCHEMA_FIELDS: ReadonlySet<string> = new Set(Object.keys(openaiChatRequestSchema.shape));

for (const field of PLAIN_FIELDS.keys()) {
  if (!SCHEMA_FIELDS.has(field)) throw new Error(`plain chat body check names '${field}', which the schema does not`);
}

/**
 * True when the schema would accept `body` and return it unchanged, so that it can be decoded as
 * it is; false when the schema must decide (which says nothing about whether the body is valid).
 */
export function isPlainChatRequestBody(body: Record<string, unknown>): body is OpenAIChatRequestBody & Record<string, unknown> {
  let hasModel = false;
  let hasMessages = false;
  for (const key in body) {
    const check = PLAIN_FIELDS.get(key);
    if (check === undefined) {
      if (SCHEMA_FIELDS.has(key)) return false;
      continue;
    }
    if (!check(body[key])) return false;
    if (key === 'model') hasModel = true;
    else if (key === 'messages') hasMessages = true;
  }
  return hasModel && hasMessages;
}

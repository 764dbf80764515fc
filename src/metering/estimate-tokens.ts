/**
 * Token counts for requests whose upstream reports no usage, with the o200k_base encoding
 * (GPT-4o and later). For other model families this is an estimate, not their exact count.
 *
 * The encoding's rank table takes a few hundred milliseconds to load, so it is loaded on first
 * use (or by `preloadTokenizer` at start-up), once, and only when some request needs it.
 */
import { createRequire } from 'node:module';
import type { ChatRequest, Message, ToolDefinition } from '../core/chat-request.js';
import type { ContentPart } from '../core/content-part.js';
import { TokenCountCache } from './token-count-cache.js';

interface TokenEncoder {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

let encoder: TokenEncoder | null = null;
// Text from clients may contain strings such as "<|endoftext|>"; they are counted as plain text.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

function loadEncoder(): TokenEncoder {
  if (encoder === null) {
    // A synchronous require keeps counting synchronous; the package maps this subpath to its
    // CommonJS build for `require` and to the ES module build for `import`.
    const require = createRequire(import.meta.url);
    encoder = require('gpt-tokenizer/encoding/o200k_base') as TokenEncoder;
  }
  return encoder;
}

/** Loads the encoding now, so that the first estimate on a request path is not the slow one. */
export function preloadTokenizer(): void {
  loadEncoder();
}

export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return loadEncoder().countTokens(text, PLAIN_TEXT);
}

/** Four million characters: about 8 MB of strings at most, a few long conversations' worth. */
const PROMPT_TEXT_CACHE_CHARACTERS = 4_000_000;
const promptTextCounts = new TokenCountCache(countTextTokens, PROMPT_TEXT_CACHE_CHARACTERS);

/**
 * Counts a text of a prompt. Prompts repeat (system prompts, tools, earlier turns), so their
 * counts are remembered; generated output does not, and is counted with `countTextTokens`.
 */
export function countPromptTextTokens(text: string): number {
  if (text.length === 0) return 0;
  return promptTextCounts.tokens(text);
}

/**
 * Chat framing of OpenAI's format: each message is wrapped as `<|start|>role<|message|>…<|end|>`
 * (3 tokens around the role and content), a name adds 1, and the reply is primed with 3.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const TOKENS_REPLY_PRIMING = 3;

/**
 * Images are counted without decoding them: 85 tokens at low detail, otherwise 765, which is
 * what OpenAI bills for a 1024×1024 image at high detail (85 + 4 tiles × 170).
 */
export const IMAGE_TOKENS_LOW_DETAIL = 85;
export const IMAGE_TOKENS_DEFAULT = 765;

/** Overheads of function definitions as OpenAI renders them for GPT-4o-class models. */
const TOOL_START = 7;
const TOOL_PROPERTIES_START = 3;
const TOOL_PROPERTY = 3;
const TOOL_ENUM_START = -3;
const TOOL_ENUM_ITEM = 3;
const TOOLS_END = 12;

/** Counts the tokens of a text: exactly with the tokenizer, or a cheap upper bound. */
type TextCounter = (text: string) => number;

function partTokens(part: ContentPart, count: TextCounter): number {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return count(part.text);
    case 'image':
      return part.detail === 'low' ? IMAGE_TOKENS_LOW_DETAIL : IMAGE_TOKENS_DEFAULT;
    case 'tool_call':
      return count(part.name) + count(part.arguments);
    case 'tool_result':
      return part.content.reduce((sum, inner) => sum + partTokens(inner, count), 0);
    case 'opaque':
      return count(JSON.stringify(part.block));
  }
}

function messageTokens(message: Message, count: TextCounter): number {
  let tokens = TOKENS_PER_MESSAGE + count(message.role);
  for (const part of message.content) tokens += partTokens(part, count);
  if (message.name) tokens += TOKENS_PER_NAME + count(message.name);
  return tokens;
}

function withoutTrailingPeriod(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function propertyTokens(name: string, schema: unknown, count: TextCounter): number {
  if (!isRecord(schema)) return TOOL_PROPERTY + count(name);
  const { type, description, enum: enumValues, ...rest } = schema;
  const typeText = typeof type === 'string' ? type : type === undefined ? '' : JSON.stringify(type);
  const descriptionText = typeof description === 'string' ? withoutTrailingPeriod(description) : '';
  let tokens = TOOL_PROPERTY + count(`${name}:${typeText}:${descriptionText}`);
  if (Array.isArray(enumValues)) {
    tokens += TOOL_ENUM_START;
    for (const item of enumValues) tokens += TOOL_ENUM_ITEM + count(String(item));
  }
  // Nested schemas (object properties, array items) are rendered too; their JSON text is a
  // close stand-in for the rendering OpenAI does not document.
  if (Object.keys(rest).length > 0) tokens += count(JSON.stringify(rest));
  return tokens;
}

function toolTokens(tool: ToolDefinition, count: TextCounter): number {
  let tokens = TOOL_START + count(`${tool.name}:${withoutTrailingPeriod(tool.description ?? '')}`);
  const properties = tool.parameters['properties'];
  if (isRecord(properties) && Object.keys(properties).length > 0) {
    tokens += TOOL_PROPERTIES_START;
    for (const [name, schema] of Object.entries(properties)) tokens += propertyTokens(name, schema, count);
  }
  return tokens;
}

/** Prompt tokens of a chat request: messages with their framing, tool definitions, schema. */
export function estimatePromptTokens(request: ChatRequest, count: TextCounter = countPromptTextTokens): number {
  let tokens = TOKENS_REPLY_PRIMING;
  for (const message of request.messages) tokens += messageTokens(message, count);
  if (request.tools && request.tools.length > 0) {
    for (const tool of request.tools) tokens += toolTokens(tool, count);
    tokens += TOOLS_END;
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema') tokens += count(JSON.stringify(format.schema));
  return tokens;
}

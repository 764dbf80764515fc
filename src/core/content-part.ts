/** A piece of message content in the gateway's canonical language. Every dialect maps to these. */
export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'base64'; mediaType: string; data: string };

export interface CacheControl {
  type: 'ephemeral';
  ttl?: string;
}

export interface TextPart {
  type: 'text';
  text: string;
  cacheControl?: CacheControl;
}

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  detail?: 'auto' | 'low' | 'high';
  cacheControl?: CacheControl;
}

/** A call the assistant asked for. `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: string;
}

export interface ToolResultPart {
  type: 'tool_result';
  toolCallId: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

/** Model reasoning; `signature` / `redacted` carry provider data that must round-trip untouched. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: string;
  redacted?: string;
}

/**
 * A provider-specific block the canonical model has no part for (an Anthropic `document`,
 * `search_result`, `server_tool_use`, ...). It is carried as it arrived, so an upstream speaking the
 * same dialect receives it unchanged; every other upstream refuses it with a 400 naming the field.
 */
export interface OpaquePart {
  type: 'opaque';
  dialect: 'anthropic-messages';
  blockType: string;
  block: Record<string, unknown>;
  /** Where the block stood in the client's own request (`messages[1].content[0]`), for error messages. */
  param?: string;
}

export type ContentPart = TextPart | ImagePart | ToolCallPart | ToolResultPart | ReasoningPart | OpaquePart;

/** The parts of Anthropic's Messages API wire format that the adapter reads or writes. */

export interface AnthropicCacheControlWire {
  type: 'ephemeral';
  ttl?: string;
}

export type AnthropicImageSourceWire =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string };

export interface AnthropicTextBlockWire {
  type: 'text';
  text: string;
  cache_control?: AnthropicCacheControlWire;
}

export interface AnthropicImageBlockWire {
  type: 'image';
  source: AnthropicImageSourceWire;
  cache_control?: AnthropicCacheControlWire;
}

export interface AnthropicToolUseBlockWire {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export interface AnthropicToolResultBlockWire {
  type: 'tool_result';
  tool_use_id: string;
  content: Array<AnthropicTextBlockWire | AnthropicImageBlockWire>;
  is_error?: boolean;
  cache_control?: AnthropicCacheControlWire;
}

export interface AnthropicThinkingBlockWire {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlockWire {
  type: 'redacted_thinking';
  data: string;
}

/** A block the gateway does not model (`document`, `search_result`, ...), sent as the client wrote it. */
export interface AnthropicOpaqueBlockWire {
  type: string;
  [field: string]: unknown;
}

export type AnthropicContentBlockWire =
  | AnthropicOpaqueBlockWire
  | AnthropicTextBlockWire
  | AnthropicImageBlockWire
  | AnthropicToolUseBlockWire
  | AnthropicToolResultBlockWire
  | AnthropicThinkingBlockWire
  | AnthropicRedactedThinkingBlockWire;

export interface AnthropicMessageWire {
  role: 'user' | 'assistant';
  content: AnthropicContentBlockWire[];
}

export interface AnthropicToolWire {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
}

export type AnthropicToolChoiceWire =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnthropicRequestBodyWire {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageWire[];
  system?: string | AnthropicTextBlockWire[];
  tools?: AnthropicToolWire[];
  tool_choice?: AnthropicToolChoiceWire;
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  thinking?: { type: 'enabled'; budget_tokens: number };
  metadata?: { user_id: string };
  stream?: boolean;
}

/** Usage as Anthropic reports it: `input_tokens` excludes the cache reads and writes. */
export interface AnthropicUsageWire {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** A response block as received; unknown block types are tolerated and skipped. */
export interface AnthropicResponseBlockWire {
  type?: string;
  text?: string;
  thinking?: string;
  signature?: string;
  data?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

export interface AnthropicResponseWire {
  id?: string;
  type?: string;
  role?: string;
  model?: string;
  content?: AnthropicResponseBlockWire[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: AnthropicUsageWire;
}

export interface AnthropicErrorWire {
  type?: string;
  message?: string;
}

/** One `data:` payload of a Messages stream. */
export interface AnthropicStreamEventWire {
  type?: string;
  index?: number;
  message?: AnthropicResponseWire;
  content_block?: AnthropicResponseBlockWire;
  delta?: {
    type?: string;
    text?: string;
    thinking?: string;
    signature?: string;
    partial_json?: string;
    stop_reason?: string | null;
    stop_sequence?: string | null;
  };
  usage?: AnthropicUsageWire;
  error?: AnthropicErrorWire;
}

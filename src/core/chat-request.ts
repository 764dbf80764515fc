import type { ContentPart } from './content-part.js';

export type MessageRole = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface Message {
  role: MessageRole;
  content: ContentPart[];
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      strict?: boolean;
      description?: string;
    };

export interface ReasoningOptions {
  effort?: 'minimal' | 'low' | 'medium' | 'high';
  budgetTokens?: number;
}

/** The inbound wire format a request arrived in. */
export type Dialect = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

/** A chat request in the gateway's canonical language. */
export interface ChatRequest {
  /** Model id as the client named it (catalog id, or a provider pin). */
  model: string;
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  stop?: string[];
  maxOutputTokens?: number;
  n?: number;
  seed?: number;
  logprobs?: boolean;
  topLogprobs?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  user?: string;
  reasoning?: ReasoningOptions;
  stream: boolean;
  /** The client asked for a usage chunk at the end of the stream. */
  streamIncludeUsage?: boolean;
  /** Ordered fallback models (the `models` extension of the contract). */
  fallbackModels?: string[];
  /**
   * The body as received, for an upstream that speaks the same dialect: fields the gateway does
   * not model (vendor extensions) pass through unchanged.
   */
  original?: {
    dialect: Dialect;
    body: Record<string, unknown>;
    /** Dialect headers worth forwarding to a same-dialect upstream (lower-case names, e.g. `anthropic-beta`). */
    headers?: Record<string, string>;
  };
}

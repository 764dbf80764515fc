import type { FinishReason } from '../../core/finish-reason.js';
import type { Usage } from '../../core/usage.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { ResponsesRequestBody } from './responses-request-schema.js';
import { encodeResponsesUsage, type ResponsesUsage } from './encode-responses-usage.js';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: unknown[];
  logprobs: unknown[];
}

export interface OutputRefusal {
  type: 'refusal';
  refusal: string;
}

export interface MessageItem {
  type: 'message';
  id: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  role: 'assistant';
  content: Array<OutputText | OutputRefusal>;
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: Array<{ type: 'summary_text'; text: string }>;
  encrypted_content?: string | null;
  status?: 'in_progress' | 'completed' | 'incomplete';
}

export type OutputItem = MessageItem | FunctionCallItem | ReasoningItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponsesObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: Record<string, unknown> };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: string;
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  /** Convenience field of the SDKs: every output text joined. */
  output_text?: string;
}

/** What the response object echoes of the request, and its identity. */
export interface ResponseMeta {
  /** The gateway's generation id. */
  id: string;
  /** The model name the client asked for. */
  model: string;
  /** Unix seconds. */
  createdAt: number;
  body: ResponsesRequestBody;
  reasoningSummary: string | null;
  includeEncryptedReasoning: boolean;
}

/** Responses reports a cut-short answer as `incomplete` with its reason, not as a finish reason. */
export function statusFromFinish(finishReason: FinishReason | undefined): {
  status: ResponseStatus;
  incompleteDetails: ResponsesObject['incomplete_details'];
} {
  if (finishReason?.unified === 'length') return { status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } };
  if (finishReason?.unified === 'content_filter') return { status: 'incomplete', incompleteDetails: { reason: 'content_filter' } };
  return { status: 'completed', incompleteDetails: null };
}

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  incompleteDetails?: ResponsesObject['incomplete_details'];
  usage?: Usage | undefined;
  costUsd?: number | null;
  error?: GatewayError;
}

/** The `response` object, as returned by a non-streamed call and carried by stream events. */
export function buildResponseObject(meta: ResponseMeta, state: ResponseState): ResponsesObject {
  const body = meta.body;
  const finished = state.status !== 'in_progress';
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status: state.status,
    background: false,
    error: state.error === undefined ? null : { code: state.error.code, message: state.error.message },
    incomplete_details: state.incompleteDetails ?? null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: meta.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: meta.reasoningSummary },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: finished && state.status !== 'failed' ? encodeResponsesUsage(state.usage, state.costUsd ?? null) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  };
}

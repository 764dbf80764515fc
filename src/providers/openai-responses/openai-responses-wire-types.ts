/** The parts of OpenAI's Responses wire format the adapter reads. Every field may be missing. */

export interface ResponsesUsageWire {
  input_tokens?: number | null;
  input_tokens_details?: { cached_tokens?: number | null; cache_write_tokens?: number | null } | null;
  output_tokens?: number | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
  total_tokens?: number | null;
}

export interface ResponsesOutputContentWire {
  type?: string;
  text?: string;
  refusal?: string;
  logprobs?: unknown[] | null;
}

export interface ResponsesOutputItemWire {
  type?: string;
  id?: string;
  status?: string;
  role?: string;
  content?: ResponsesOutputContentWire[] | null;
  call_id?: string;
  name?: string;
  arguments?: string;
  summary?: Array<{ type?: string; text?: string }> | null;
  encrypted_content?: string | null;
}

export interface ResponsesErrorWire {
  code?: string | null;
  message?: string | null;
  param?: string | null;
}

export interface ResponsesResponseWire {
  id?: string;
  object?: string;
  created_at?: number;
  status?: string;
  model?: string;
  output?: ResponsesOutputItemWire[] | null;
  error?: ResponsesErrorWire | null;
  incomplete_details?: { reason?: string | null } | null;
  usage?: ResponsesUsageWire | null;
  service_tier?: string | null;
}

/** One `data:` payload of a Responses stream; which fields are present depends on `type`. */
export interface ResponsesStreamEventWire {
  type?: string;
  sequence_number?: number;
  response?: ResponsesResponseWire;
  item?: ResponsesOutputItemWire;
  item_id?: string;
  output_index?: number;
  summary_index?: number;
  delta?: string;
  arguments?: string;
  logprobs?: unknown[] | null;
  code?: string | null;
  message?: string | null;
  param?: string | null;
}

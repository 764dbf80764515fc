import { isGatewayError, type GatewayError } from '../core/index.js';

export type FailureKind =
  /** The caller went away; nobody is at fault. */
  | 'cancelled'
  /** The request itself is wrong (400, 413, 422): every channel would refuse it. */
  | 'client'
  /** The upstream rejected the channel's credential, or its account cannot pay. */
  | 'credential'
  | 'rate_limited'
  | 'overloaded'
  /** 5xx and other answers that say "not now". */
  | 'unavailable'
  | 'timeout'
  /** No HTTP answer at all: refused, reset, DNS. */
  | 'unreachable'
  /** 403 without a credential signature: this channel may not use this model. */
  | 'forbidden'
  /** The channel does not serve the model (404): a configuration mistake of this channel. */
  | 'model_unavailable'
  | 'other';

export interface FailureOutcome {
  kind: FailureKind;
  /** Another channel may succeed: fail over. */
  retryElsewhere: boolean;
  /** Counts against the channel's breaker and error rate. */
  channelFault: boolean;
  /** The channel cannot serve anything now: skip it for the fallback models of this request too. */
  channelDown: boolean;
  /** The upstream asked to be left alone this long (from `retry-after`). */
  retryAfterMs: number | null;
  /** Disable the channel with this reason (a credential failure). */
  disableReason: string | null;
}

// Invalid-key wording of the providers' own error bodies, as far as they reach the gateway's
// message (Gemini answers a bad key with HTTP 400 "API key not valid. Please pass a valid API key.").
const invalidKeySignature =
  /api[ _-]?key (?:not valid|not found|expired|is invalid)|invalid[ _-](?:x-)?api[ _-]?key|incorrect api key|please pass a valid api key|api_key_invalid|authentication_error|invalid authentication/i;
const overloadedSignature = /\boverloaded\b/i;

function outcome(kind: FailureKind, fields: Partial<FailureOutcome>): FailureOutcome {
  return {
    kind,
    retryElsewhere: true,
    channelFault: true,
    channelDown: false,
    retryAfterMs: null,
    disableReason: null,
    ...fields,
  };
}

/**
 * Decides what an attempt's failure means for routing: move on to another channel or answer now,
 * blame the channel or not, rest it (retry-after), or disable it (credential).
 */
export function classifyFailure(error: unknown, callerAborted: boolean): FailureOutcome {
  if (callerAborted) return outcome('cancelled', { retryElsewhere: false, channelFault: false });
  if (!isGatewayError(error)) return outcome('other', {});
  const status = error.details.upstreamStatus;
  switch (error.code) {
    case 'upstream_timeout':
      return outcome('timeout', {});
    case 'upstream_error':
      return classifyUpstreamError(error, status);
    case 'invalid_request':
      if (invalidKeySignature.test(error.message)) return credential(`the upstream rejected the channel's API key (HTTP ${status ?? 400})`);
      if (overloadedSignature.test(error.message)) return outcome('overloaded', {});
      return outcome('client', { retryElsewhere: false, channelFault: false });
    default:
      return outcome('other', { retryElsewhere: error.retryElsewhere, channelFault: false });
  }
}

function classifyUpstreamError(error: GatewayError, status: number | undefined): FailureOutcome {
  if (status === undefined) {
    // An adapter that refused to retry without an HTTP answer is cancelling on its own account.
    if (!error.retryElsewhere) return outcome('other', { retryElsewhere: false, channelFault: false });
    return outcome('unreachable', { channelDown: true });
  }
  if (status === 401) return credential('the upstream rejected the channel\'s API key (HTTP 401)');
  if (status === 402) return credential('the upstream account has no credit or quota left (HTTP 402)');
  if (status === 403) {
    if (invalidKeySignature.test(error.message)) return credential('the upstream rejected the channel\'s API key (HTTP 403)');
    return outcome('forbidden', { channelFault: false });
  }
  if (status === 404) return outcome('model_unavailable', { channelFault: false });
  if (status === 429) {
    const seconds = error.details.retryAfterSeconds;
    return outcome('rate_limited', { retryAfterMs: typeof seconds === 'number' && seconds > 0 ? seconds * 1000 : null });
  }
  if (status === 529 || overloadedSignature.test(error.message)) return outcome('overloaded', {});
  return outcome('unavailable', { retryElsewhere: error.retryElsewhere });
}

function credential(reason: string): FailureOutcome {
  return outcome('credential', { channelFault: false, channelDown: true, disableReason: reason });
}

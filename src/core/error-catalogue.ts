/**
 * Every coded error the gateway answers with. One entry per code: the HTTP status, the OpenAI
 * envelope `type`, the Anthropic envelope `type`, and whether trying another channel can help.
 */
export const errorCatalogue = {
  invalid_request: { status: 400, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', retryElsewhere: false },
  invalid_api_key: { status: 401, openaiType: 'authentication_error', anthropicType: 'authentication_error', retryElsewhere: false },
  insufficient_credit: { status: 402, openaiType: 'insufficient_quota', anthropicType: 'billing_error', retryElsewhere: false },
  model_not_allowed: { status: 403, openaiType: 'permission_error', anthropicType: 'permission_error', retryElsewhere: false },
  permission_denied: { status: 403, openaiType: 'permission_error', anthropicType: 'permission_error', retryElsewhere: false },
  conflict: { status: 409, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', retryElsewhere: false },
  ip_not_allowed: { status: 403, openaiType: 'permission_error', anthropicType: 'permission_error', retryElsewhere: false },
  not_found: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error', retryElsewhere: false },
  model_not_found: { status: 404, openaiType: 'invalid_request_error', anthropicType: 'not_found_error', retryElsewhere: false },
  method_not_allowed: { status: 405, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', retryElsewhere: false },
  model_retired: { status: 410, openaiType: 'invalid_request_error', anthropicType: 'not_found_error', retryElsewhere: false },
  request_too_large: { status: 413, openaiType: 'invalid_request_error', anthropicType: 'request_too_large', retryElsewhere: false },
  unsupported_media_type: { status: 415, openaiType: 'invalid_request_error', anthropicType: 'invalid_request_error', retryElsewhere: false },
  rate_limit_exceeded: { status: 429, openaiType: 'rate_limit_error', anthropicType: 'rate_limit_error', retryElsewhere: false },
  internal_error: { status: 500, openaiType: 'server_error', anthropicType: 'api_error', retryElsewhere: false },
  upstream_error: { status: 502, openaiType: 'upstream_error', anthropicType: 'api_error', retryElsewhere: true },
  no_available_channel: { status: 503, openaiType: 'service_unavailable', anthropicType: 'overloaded_error', retryElsewhere: false },
  shutting_down: { status: 503, openaiType: 'service_unavailable', anthropicType: 'overloaded_error', retryElsewhere: false },
  upstream_timeout: { status: 504, openaiType: 'timeout_error', anthropicType: 'api_error', retryElsewhere: true },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

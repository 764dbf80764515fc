/** Small builders for the OpenAPI document, so each endpoint is one readable line of facts. */
export type Security = 'key' | 'key_or_session' | 'admin' | 'none';

export interface OperationFacts {
  summary: string;
  tag: string;
  security: Security;
  /** A JSON body: the name of a schema in `components.schemas`, or an inline schema. */
  body?: string | Record<string, unknown>;
  /** Query parameters: name → description. */
  query?: Record<string, string>;
  /** Path parameters: name → description. */
  path?: Record<string, string>;
  /** Success status and the schema name of its body (or a media type note). */
  success?: { status: number; schema?: string; mediaType?: string; description?: string };
  /** The error codes this endpoint may answer with (from the error catalogue). */
  errors?: number[];
}

const securityBySetting: Record<Security, Array<Record<string, string[]>>> = {
  key: [{ bearer: [] }, { apiKeyHeader: [] }],
  key_or_session: [{ bearer: [] }, { apiKeyHeader: [] }, { session: [] }],
  admin: [{ bearer: [] }, { session: [] }],
  none: [],
};

const errorDescriptions: Record<number, string> = {
  400: 'Invalid request (`invalid_request`)',
  401: 'Missing or invalid credentials (`invalid_api_key`)',
  402: 'Credit or key budget exhausted (`insufficient_credit`)',
  403: 'Not allowed (`model_not_allowed`, `ip_not_allowed`, `permission_denied`)',
  404: 'Not found (`not_found`, `model_not_found`)',
  409: 'Conflict (`conflict`)',
  410: 'Model retired (`model_retired`; `error.replacement` names its successor)',
  413: 'Body too large (`request_too_large`)',
  429: 'Rate limited (`rate_limit_exceeded`, with `retry-after`)',
  502: 'Every channel failed (`upstream_error`)',
  503: 'No enabled channel (`no_available_channel`)',
  504: 'Upstream timed out (`upstream_timeout`)',
};

function schemaOf(reference: string | Record<string, unknown>): Record<string, unknown> {
  return typeof reference === 'string' ? { $ref: `#/components/schemas/${reference}` } : reference;
}

export function describeOperation(facts: OperationFacts): Record<string, unknown> {
  const parameters = [
    ...Object.entries(facts.path ?? {}).map(([name, description]) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })),
    ...Object.entries(facts.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } })),
  ];
  const success = facts.success ?? { status: 200 };
  const responses: Record<string, unknown> = {
    [success.status]: {
      description: success.description ?? 'Success',
      ...(success.schema || success.mediaType
        ? { content: { [success.mediaType ?? 'application/json']: success.schema ? { schema: schemaOf(success.schema) } : {} } }
        : {}),
    },
  };
  for (const status of facts.errors ?? []) {
    responses[status] = {
      description: errorDescriptions[status] ?? 'Error',
      content: { 'application/json': { schema: schemaOf('Error') } },
    };
  }
  return {
    summary: facts.summary,
    tags: [facts.tag],
    security: securityBySetting[facts.security],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(facts.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(facts.body) } } } } : {}),
    responses,
  };
}

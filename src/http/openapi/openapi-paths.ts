import { describeOperation, type OperationFacts } from './describe-operation.js';
import { accountEndpoints } from './openapi-account-paths.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Every HTTP endpoint of the gateway: path → method → facts. A test keeps it equal to the routes. */
const endpoints: Record<string, Partial<Record<Method, OperationFacts>>> = {
  '/v1/chat/completions': {
    post: { summary: 'Chat completion (OpenAI Chat Completions, streaming or not)', tag: 'Model APIs', security: 'key', body: 'ChatCompletionRequest', success: { status: 200, schema: 'ChatCompletion' }, errors: [400, 401, 402, 403, 404, 410, 413, 429, 502, 503, 504] },
  },
  '/v1/responses': {
    post: { summary: 'OpenAI Responses API (streaming or not), to any provider that serves the model', tag: 'Model APIs', security: 'key', body: 'Object', success: { status: 200, schema: 'Object' }, errors: [400, 401, 402, 403, 404, 410, 413, 429, 502, 503, 504] },
  },
  '/v1/messages': {
    post: { summary: 'Anthropic Messages (streaming or not), to any provider that serves the model; errors in Anthropic\'s envelope', tag: 'Model APIs', security: 'key', body: 'Object', success: { status: 200, schema: 'Object' }, errors: [400, 401, 402, 403, 404, 410, 413, 429, 502, 503, 504] },
  },
  '/v1/messages/count_tokens': {
    post: { summary: 'Count the input tokens of an Anthropic Messages request', tag: 'Model APIs', security: 'key', body: 'Object', success: { status: 200, schema: 'Object' }, errors: [400, 401] },
  },
  '/v1/embeddings': {
    post: { summary: 'Embeddings (OpenAI format)', tag: 'Model APIs', security: 'key', body: 'EmbeddingRequest', success: { status: 200, schema: 'EmbeddingList' }, errors: [400, 401, 402, 403, 404, 410, 429, 502, 503, 504] },
  },
  '/v1/models': {
    get: { summary: 'Models routable now (narrowed to the key\'s allowlist when a key is sent)', tag: 'Model APIs', security: 'none', success: { status: 200, schema: 'ModelList' } },
  },
  '/v1/models/{id}': {
    get: { summary: 'One routable model', tag: 'Model APIs', security: 'none', path: { id: 'Model id (may contain "/")' }, success: { status: 200, schema: 'Model' }, errors: [404] },
  },
  '/api/key': {
    get: { summary: 'The calling API key and its owner\'s balance', tag: 'Account', security: 'key', success: { status: 200, schema: 'KeyInfo' }, errors: [401] },
  },
  '/api/usage': {
    get: { summary: 'The caller\'s most recent requests, newest first', tag: 'Account', security: 'key_or_session', query: { limit: '1 to 1000 (default 50)', offset: 'Page start', cursor: 'Continue after this cursor', from: 'Start time (ISO 8601)', to: 'End time (ISO 8601)', model: 'Model id', key: 'API key id', status: 'success | error | cancelled' }, success: { status: 200, schema: 'GenerationList' }, errors: [400, 401] },
  },
  '/api/generations/{id}': {
    get: { summary: 'One request record of the caller', tag: 'Account', security: 'key_or_session', path: { id: 'Generation id' }, success: { status: 200, schema: 'Generation' }, errors: [401, 404] },
  },
  '/api/models': {
    get: {
      summary: 'The whole model catalog',
      tag: 'Catalog',
      security: 'none',
      query: { q: 'Search words', provider: 'Creator or offering provider', modality: 'Input or output modality', status: 'active | preview | deprecated | retired | coming_soon', capability: 'tools | vision | json_output | reasoning', sort: 'price | context | release_date | name', order: 'asc | desc', limit: 'Page size (no limit: everything)', offset: 'Page start' },
      success: { status: 200, schema: 'CatalogModelList' },
      errors: [400],
    },
  },
  '/api/models/{id}': {
    get: { summary: 'One catalog model (id, alias or a provider\'s own id)', tag: 'Catalog', security: 'none', path: { id: 'Model id (may contain "/")' }, success: { status: 200, schema: 'CatalogModel' }, errors: [404] },
  },
  '/api/providers': {
    get: { summary: 'Providers with their model counts and whether a channel serves them', tag: 'Catalog', security: 'none', success: { status: 200, schema: 'ProviderList' } },
  },
  '/openapi.json': {
    get: { summary: 'This document', tag: 'Operations', security: 'none', success: { status: 200, schema: 'Object' } },
  },
  '/healthz': { get: { summary: 'Liveness', tag: 'Operations', security: 'none', success: { status: 200, schema: 'Object' } } },
  '/readyz': { get: { summary: 'Readiness: the store answers', tag: 'Operations', security: 'none', success: { status: 200, schema: 'Object' }, errors: [503] } },
  '/metrics': { get: { summary: 'Prometheus metrics (from loopback)', tag: 'Operations', security: 'none', success: { status: 200, mediaType: 'text/plain' }, errors: [404] } },
};

const allEndpoints = { ...endpoints, ...accountEndpoints };

export function openApiPaths(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of Object.entries(allEndpoints)) {
    paths[path] = Object.fromEntries(Object.entries(methods).map(([method, facts]) => [method, describeOperation(facts)]));
  }
  return paths;
}

/** `METHOD /path` of every documented endpoint, for the test that compares them with the routes. */
export function documentedEndpoints(): string[] {
  return Object.entries(allEndpoints).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}

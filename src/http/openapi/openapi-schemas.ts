/** Component schemas of the OpenAPI document: the shapes clients rely on, kept loose where a body passes through. */
const usd = { type: 'number', description: 'USD' };
const nullableUsd = { type: ['number', 'null'], description: 'USD' };

export const openApiSchemas: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    description: 'OpenAI error envelope (`/v1/messages` answers in Anthropic\'s `{type: "error", error: {type, message}}`).',
    properties: {
      error: {
        type: 'object',
        properties: {
          message: { type: 'string' },
          type: { type: 'string' },
          param: { type: ['string', 'null'] },
          code: { type: 'string' },
          replacement: { type: ['string', 'null'] },
        },
        required: ['message', 'type', 'param', 'code'],
      },
    },
  },
  ChatCompletionRequest: {
    type: 'object',
    description: 'OpenAI Chat Completions request; `models` (array of model ids) is a gateway extension listing fallbacks.',
    required: ['model', 'messages'],
    properties: { model: { type: 'string' }, messages: { type: 'array', items: { type: 'object' } }, stream: { type: 'boolean' }, models: { type: 'array', items: { type: 'string' } } },
    additionalProperties: true,
  },
  ChatCompletion: {
    type: 'object',
    description: 'OpenAI `chat.completion`; `id` is the gateway generation id and `usage.cost` the charge in USD. Streams send `chat.completion.chunk` events.',
    additionalProperties: true,
  },
  EmbeddingRequest: { type: 'object', required: ['model', 'input'], properties: { model: { type: 'string' }, input: {} }, additionalProperties: true },
  EmbeddingList: { type: 'object', description: 'OpenAI embedding list with `usage.cost`.', additionalProperties: true },
  ModelList: { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array', items: { $ref: '#/components/schemas/Model' } } } },
  Model: { type: 'object', properties: { id: { type: 'string' }, object: { const: 'model' }, created: { type: 'integer' }, owned_by: { type: 'string' } } },
  KeyInfo: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      prefix: { type: 'string' },
      models: { type: 'array', items: { type: 'string' } },
      budget: nullableUsd,
      spent: usd,
      rpm: { type: ['integer', 'null'] },
      tpm: { type: ['integer', 'null'] },
      expires_at: { type: ['string', 'null'], format: 'date-time' },
      balance: usd,
    },
  },
  Generation: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      created_at: { type: 'string', format: 'date-time' },
      model: { type: 'string' },
      provider: { type: ['string', 'null'] },
      status: { enum: ['success', 'error', 'cancelled'] },
      stream: { type: 'boolean' },
      prompt_tokens: { type: 'integer' },
      completion_tokens: { type: 'integer' },
      cached_tokens: { type: 'integer' },
      reasoning_tokens: { type: 'integer' },
      cost: usd,
      latency_ms: { type: 'integer' },
      usage_estimated: { type: 'boolean' },
    },
    additionalProperties: true,
  },
  GenerationList: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Generation' } } } },
  CatalogModel: {
    type: 'object',
    description: 'A catalog model: our price beside the official one, capabilities, lifecycle, and the offers of each provider that serves it.',
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      provider: { type: 'string', description: "The model's creator" },
      status: { enum: ['active', 'preview', 'deprecated', 'retired', 'coming_soon'] },
      retires_at: { type: ['string', 'null'] },
      replacement: { type: ['string', 'null'] },
      available: { type: 'boolean' },
      pricing: { type: 'object' },
      offers: { type: 'array', items: { type: 'object' } },
    },
    additionalProperties: true,
  },
  CatalogModelList: { type: 'object', properties: { data: { type: 'array', items: { $ref: '#/components/schemas/CatalogModel' } }, total: { type: 'integer' } } },
  ProviderList: { type: 'object', properties: { data: { type: 'array', items: { type: 'object' } } } },
  Object: { type: 'object', additionalProperties: true },
};

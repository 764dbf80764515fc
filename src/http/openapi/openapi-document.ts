import { openApiPaths } from './openapi-paths.js';
import { openApiSchemas } from './openapi-schemas.js';

/** The OpenAPI 3.1 description of every HTTP endpoint (contract §5: `GET /openapi.json`). */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard',
      version,
      description:
        'One OpenAI-compatible endpoint in front of many model providers, with metered prepaid billing. Model APIs take an API key; account and admin APIs take an API key or a session cookie.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    paths: openApiPaths(),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer sk-sy-…`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'API key (Anthropic clients)' },
        session: { type: 'apiKey', in: 'cookie', name: 'switchyard_session', description: 'Session cookie from `POST /api/auth/login`' },
      },
      schemas: openApiSchemas,
    },
  };
}

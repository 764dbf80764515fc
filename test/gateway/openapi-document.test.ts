import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { documentedEndpoints } from '../../src/http/openapi/openapi-paths.js';

let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway();
});
afterAll(async () => {
  await harness.close();
});

describe('GET /openapi.json', () => {
  it('describes exactly the routes the server has', () => {
    expect([...new Set(harness.gateway.routes)].sort()).toEqual(documentedEndpoints().sort());
  });

  it('is an OpenAPI 3.1 document with error envelopes and security schemes', async () => {
    const response = await fetch(`${harness.url}/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['apiKeyHeader', 'bearer', 'session']);
    const chat = document.paths['/v1/chat/completions']!.post!;
    expect(Object.keys(chat.responses)).toEqual(expect.arrayContaining(['200', '401', '402', '410', '502']));
    // Every $ref points at a schema that exists.
    const references = JSON.stringify(document).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const reference of new Set(references)) {
      expect(document.components.schemas).toHaveProperty(reference.split('/').at(-1)!);
    }
  });
});

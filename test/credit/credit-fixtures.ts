/** Accounts with API keys on a real store, and a bare Fastify app serving the routes under test. */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ApiKeyAuthenticator } from '../../src/accounts/api-key-authenticator.js';
import { generateApiKey } from '../../src/accounts/api-key-format.js';
import { sendError } from '../../src/http/error-reply.js';
import { PrincipalResolver } from '../../src/http/principal.js';
import type { AccountRole, Store } from '../../src/store/store.js';

export const BASE_TIME = Date.UTC(2025, 0, 15, 12, 0, 0);

export interface TestCaller {
  accountId: string;
  email: string;
  key: string;
  keyId: string;
  headers: { authorization: string };
}

export async function createCaller(store: Store, role: AccountRole = 'user'): Promise<TestCaller> {
  const accountId = `acct_${randomUUID().replaceAll('-', '')}`;
  const email = `${accountId}@example.test`;
  await store.createAccount({ id: accountId, email, passwordHash: null, role, createdAt: BASE_TIME });
  const material = generateApiKey();
  const keyId = `key_${randomUUID().replaceAll('-', '')}`;
  await store.createApiKey({
    id: keyId,
    accountId,
    name: 'test',
    prefix: material.prefix,
    hash: material.hash,
    models: [],
    budget: null,
    rpm: null,
    tpm: null,
    expiresAt: null,
    createdAt: BASE_TIME,
  });
  return { accountId, email, key: material.key, keyId, headers: { authorization: `Bearer ${material.key}` } };
}

export function principalsFor(store: Store): { principals: PrincipalResolver; authenticator: ApiKeyAuthenticator } {
  const authenticator = new ApiKeyAuthenticator(store);
  return { principals: new PrincipalResolver(authenticator, null), authenticator };
}

/** Fastify with the gateway's error envelope and the routes `register` adds. */
export async function routeApp(register: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setErrorHandler((error, request, reply) =>
    sendError(request, reply, error, { error: (object, message) => console.error(message, object) }),
  );
  register(app);
  await app.ready();
  return app;
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}
